/** The MEMIT editing method: its component, configuration, presets and update rule. */
package io.editlab.memit.impl;
