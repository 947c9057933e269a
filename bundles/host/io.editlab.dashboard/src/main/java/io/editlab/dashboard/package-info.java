/**
 * The EditLab web dashboard: registers the static page under {@code /ui/} with the OSGi Servlet
 * Whiteboard, sends {@code /} there, and sets protective headers on it. Exports nothing.
 */
package io.editlab.dashboard;
