package io.editlab.dashboard;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardResource;

/**
 * Serves the bundle's {@code ui/} folder (the page, its scripts and styles, and Chart.js under
 * {@code ui/lib/chart.js/}) at {@code /ui/*}. The registration is all there is: the whiteboard
 * implementation reads the files from this bundle.
 */
@Component(service = DashboardResources.class)
@HttpWhiteboardResource(pattern = "/ui/*", prefix = "/ui")
public final class DashboardResources {}
