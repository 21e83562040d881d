package io.agnes.auth;

/**
 * Who made the current request, however they proved it. Every authentication path resolves to this,
 * and every later layer reads it through {@link CurrentUser}.
 */
public record AuthenticatedUser(String id, String email, String displayName, boolean admin, Via via) {

    /** How the user was authenticated. */
    public enum Via { SESSION, ACCESS_TOKEN, SCHEDULER_SECRET, DEV_MODE }

    /** The synthetic admin the scheduler acts as; it has no row in the database. */
    public static final String SCHEDULER_EMAIL = "scheduler@system.local";
    public static final String SCHEDULER_ID = "00000000-0000-0000-0000-5c4ed0000001";

    // JavaBean getters for JSP EL, whose resolver in Payara 7 does not read record components

    public String getId() {
        return id;
    }

    public String getEmail() {
        return email;
    }

    public String getDisplayName() {
        return displayName;
    }

    public boolean isAdmin() {
        return admin;
    }

    static AuthenticatedUser scheduler() {
        return new AuthenticatedUser(SCHEDULER_ID, SCHEDULER_EMAIL, "Scheduler", true, Via.SCHEDULER_SECRET);
    }
}
