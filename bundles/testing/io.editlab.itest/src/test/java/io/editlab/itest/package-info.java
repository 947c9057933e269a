/**
 * In-framework tests: they run inside Felix with SCR, the host and the runtime, install and update
 * real bundles, and observe the model the runtime holds.
 */
package io.editlab.itest;
