/** The ROME editing method: its component, configuration, presets and update rule. */
package io.editlab.rome.impl;
