package io.editlab.server.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The HTTP host's configuration (PID {@value #PID}), written by {@code ./editlab serve}. */
@ObjectClassDefinition(
        pid = ServerConfig.PID,
        name = "EditLab HTTP host",
        description = "Data folder, default model and request limits of the long-running evaluation host.")
@interface ServerConfig {

    String PID = "io.editlab.server";

    @AttributeDefinition(description = "Folder of the token, the database and the session and run files.")
    String dataDir();

    @AttributeDefinition(description = "Id of the loaded model that sessions and runs use when they name none.")
    String defaultModel() default "builtin";

    @AttributeDefinition(description = "Largest JSON request body, in bytes.")
    int maxBodyBytes() default 1 << 20;

    @AttributeDefinition(description = "Largest bundle upload, in bytes.")
    int maxBundleBytes() default 64 << 20;

    @AttributeDefinition(description = "Most edits one POST /api/sessions/ID/edits may carry.")
    int maxEditsPerRequest() default 64;

    @AttributeDefinition(
            description = "Address the host is bound to; reads without the token must name it,"
                    + " localhost, 127.0.0.1 or [::1] in their Host header.")
    String bind() default "127.0.0.1";

    @AttributeDefinition(description = "How many batches of each session keep their state file, for roll-back.")
    int journalKeep() default 5;
}
