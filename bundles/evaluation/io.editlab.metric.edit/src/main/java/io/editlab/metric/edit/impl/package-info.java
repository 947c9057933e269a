/** EditLab edit-success metrics: reliability, generalization and portability: success on the edit prompts, their rephrasings and portability probes. */
package io.editlab.metric.edit.impl;
