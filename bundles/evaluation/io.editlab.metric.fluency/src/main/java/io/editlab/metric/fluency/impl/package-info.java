/** EditLab fluency metric: fluency: n-gram entropy of generations (ROME/EasyEdit definition). */
package io.editlab.metric.fluency.impl;
