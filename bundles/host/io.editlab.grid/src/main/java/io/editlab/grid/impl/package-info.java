/** The grid backends this bundle registers: local, Slurm and Kubernetes. */
package io.editlab.grid.impl;
