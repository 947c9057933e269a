/** EditLab cost metrics: seconds per edit and peak memory. */
package io.editlab.metric.cost.impl;
