-- Runs: one comparison each; spec and results are JSON documents (results.json once finished).
CREATE TABLE runs (
  id        VARCHAR(64) PRIMARY KEY,
  status    VARCHAR(16) NOT NULL,
  spec      CLOB NOT NULL,
  created   TIMESTAMP WITH TIME ZONE NOT NULL,
  started   TIMESTAMP WITH TIME ZONE,
  finished  TIMESTAMP WITH TIME ZONE,
  error     VARCHAR(4000),
  results   CLOB
);

-- Each editor of a run: its report once done, and the last point it can resume from.
CREATE TABLE run_editors (
  run_id    VARCHAR(64) NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  editor    VARCHAR(200) NOT NULL,
  position  INT NOT NULL,
  status    VARCHAR(16) NOT NULL,
  report    CLOB,
  resume    CLOB,
  PRIMARY KEY (run_id, editor)
);

-- Metric values measured at each checkpoint (the dashboard's curves).
CREATE TABLE run_checkpoints (
  run_id          VARCHAR(64) NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  editor          VARCHAR(200) NOT NULL,
  edits           INT NOT NULL,
  measured_values CLOB NOT NULL,
  PRIMARY KEY (run_id, editor, edits)
);

-- Interactive edit sessions: head is the safetensors file of the current state (null: unedited).
CREATE TABLE sessions (
  id        VARCHAR(64) PRIMARY KEY,
  name      VARCHAR(200) NOT NULL,
  model     VARCHAR(200) NOT NULL,
  editor    VARCHAR(200) NOT NULL,
  config    CLOB NOT NULL,
  created   TIMESTAMP WITH TIME ZONE NOT NULL,
  head      VARCHAR(1000),
  batches   INT NOT NULL DEFAULT 0,
  edits     INT NOT NULL DEFAULT 0
);

-- The journal: every applied batch with its requests and the state file written after it.
CREATE TABLE session_batches (
  session_id VARCHAR(64) NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  seq        INT NOT NULL,
  requests   CLOB NOT NULL,
  edit_count INT NOT NULL,
  file       VARCHAR(1000),
  seconds    DOUBLE PRECISION NOT NULL,
  applied    TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (session_id, seq)
);

-- Named snapshots a user can restore.
CREATE TABLE session_snapshots (
  session_id VARCHAR(64) NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  number     INT NOT NULL,
  label      VARCHAR(200),
  batches    INT NOT NULL,
  edits      INT NOT NULL,
  file       VARCHAR(1000),
  created    TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (session_id, number)
);
