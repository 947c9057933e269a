package io.editlab.dashboard;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;

/**
 * Sends the host's root ({@code ""} is the servlet pattern of exactly {@code /}) to the dashboard
 * page. Browsers keep the URL's fragment across a redirect, so
 * {@code /#token=...} arrives at the page as {@code /ui/index.html#token=...}.
 */
@Component(service = Servlet.class, property = HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN + "=")
@HttpWhiteboardServletName("editlab-dashboard-redirect")
public final class DashboardRedirect extends HttpServlet {

    private static final long serialVersionUID = 1L;

    static final String PAGE = "/ui/index.html";

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Cache-Control", "no-store");
        response.sendRedirect(request.getContextPath() + PAGE);
    }
}
