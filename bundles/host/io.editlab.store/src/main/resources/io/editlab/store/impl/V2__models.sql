-- Models loaded through the API, reloaded when the host starts again.
CREATE TABLE models (
  id      VARCHAR(200) PRIMARY KEY,
  path    VARCHAR(1000) NOT NULL,
  loaded  TIMESTAMP WITH TIME ZONE NOT NULL
);
