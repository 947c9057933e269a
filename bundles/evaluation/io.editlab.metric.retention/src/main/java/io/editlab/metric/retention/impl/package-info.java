/** EditLab retention metric: retention of earlier edits (ERR) and of upstream knowledge (TRR) over a lifelong stream. */
package io.editlab.metric.retention.impl;
