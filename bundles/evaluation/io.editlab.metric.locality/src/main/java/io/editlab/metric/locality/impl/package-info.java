/** EditLab locality metric: locality: agreement of the edited model with the unedited model on unrelated prompts. */
package io.editlab.metric.locality.impl;
