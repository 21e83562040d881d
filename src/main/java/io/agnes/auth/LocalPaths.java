package io.agnes.auth;

/** Where a user may be sent after signing in: only a path on this site, never another origin. */
final class LocalPaths {

    private LocalPaths() {
    }

    static String safeNext(String next) {
        if (next == null || next.isEmpty() || next.length() > 2000) {
            return "/";
        }
        boolean local = next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\")
                && next.chars().noneMatch(c -> c < 0x20 || c == 0x7f || c == '\\');
        return local ? next : "/";
    }
}
