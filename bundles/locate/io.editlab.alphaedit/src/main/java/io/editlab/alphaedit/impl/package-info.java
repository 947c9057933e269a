/** The AlphaEdit editing method: its component, configuration, presets and update rule. */
package io.editlab.alphaedit.impl;
