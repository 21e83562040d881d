package io.agnes.web;

/** Class-loader questions the undeploy listeners ask: was this loaded by this version of the application? */
public final class ClassLoaders {

    private ClassLoaders() {
    }

    /** Whether {@code loader} is {@code ancestor} or a loader below it (a JSP's, a library's of this WAR). */
    public static boolean within(ClassLoader loader, ClassLoader ancestor) {
        for (ClassLoader l = loader; l != null; l = l.getParent()) {
            if (l == ancestor) {
                return true;
            }
        }
        return false;
    }
}
