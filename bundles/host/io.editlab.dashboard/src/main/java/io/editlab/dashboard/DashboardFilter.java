package io.editlab.dashboard;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardFilterName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardFilterPattern;

/**
 * In front of the dashboard's files: sends the bare folder ({@code /ui}, {@code /ui/}, which the
 * resource registration would answer with an empty page) to the page, and sets protective headers:
 * scripts and everything else only from this host (the page builds its DOM from text nodes, and
 * this keeps injected markup inert even so), no framing, no MIME sniffing, no referrer, and
 * revalidation so an updated dashboard bundle is seen at once.
 */
@Component(service = Filter.class)
@HttpWhiteboardFilterName("editlab-dashboard")
@HttpWhiteboardFilterPattern("/ui/*")
public final class DashboardFilter implements Filter {

    static final String POLICY = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:;"
            + " object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest in = (HttpServletRequest) request;
        HttpServletResponse out = (HttpServletResponse) response;
        String path = in.getRequestURI().substring(in.getContextPath().length());
        if (path.equals("/ui") || path.equals("/ui/")) {
            out.sendRedirect(in.getContextPath() + DashboardRedirect.PAGE);
            return;
        }
        out.setHeader("Content-Security-Policy", POLICY);
        out.setHeader("X-Content-Type-Options", "nosniff");
        out.setHeader("Referrer-Policy", "no-referrer");
        out.setHeader("Cache-Control", "no-cache");
        chain.doFilter(request, response);
    }
}
