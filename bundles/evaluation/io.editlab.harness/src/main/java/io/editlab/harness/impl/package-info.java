/** The harness's private implementation: the runner, evaluation contexts and score caches. */
package io.editlab.harness.impl;
