package io.agnes.auth;

import io.agnes.web.Database;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.NotFoundException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Users: creation with validation, password checks, activation. */
@ApplicationScoped
public class Users {

    public static final String DEV_EMAIL = "dev@localhost";
    public static final int MIN_PASSWORD_LENGTH = 8;
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+$");

    @Inject
    Database database;

    PasswordHasher hasher = new PasswordHasher();

    /** A hash of nothing in particular, checked when the e-mail is unknown so both paths cost the same time. */
    private volatile String decoyHash;

    public Optional<UserAccount> findById(String id) {
        return Optional.ofNullable(database.read(em -> em.find(UserAccount.class, id)));
    }

    public Optional<UserAccount> findByEmail(String email) {
        String normalised = UserAccount.normaliseEmail(email);
        return database.read(em -> em.createQuery("SELECT u FROM UserAccount u WHERE u.email = :email", UserAccount.class)
                .setParameter("email", normalised).getResultStream().findFirst());
    }

    /** The active user with this e-mail and password, if any. */
    public Optional<AuthenticatedUser> authenticate(String email, String password) {
        Optional<UserAccount> user = findByEmail(email);
        String stored = user.map(UserAccount::getPasswordHash).orElse(null);
        if (stored == null) {
            hasher.matches(password == null ? "" : password, decoyHash());
            return Optional.empty();
        }
        if (!hasher.matches(password, stored) || !user.get().isActive()) {
            return Optional.empty();
        }
        return user.map(u -> u.toAuthenticated(AuthenticatedUser.Via.SESSION));
    }

    public UserAccount create(String email, String displayName, String password, boolean admin) {
        String normalised = UserAccount.normaliseEmail(email);
        if (!EMAIL.matcher(normalised).matches() || normalised.length() > 320) {
            throw new BadRequestException("Enter a valid e-mail address.");
        }
        if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
            throw new BadRequestException("The password must have at least " + MIN_PASSWORD_LENGTH + " characters.");
        }
        String name = displayName == null || displayName.isBlank() ? normalised : displayName.trim();
        if (name.length() > 200) {
            throw new BadRequestException("The display name may have at most 200 characters.");
        }
        return insert(new UserAccount(normalised, name, hasher.hash(password), admin));
    }

    private UserAccount insert(UserAccount user) {
        synchronized (this) {
            if (findByEmail(user.getEmail()).isPresent()) {
                throw new ClientErrorException("A user with this e-mail already exists.", 409);
            }
            database.runInTransaction(em -> em.persist(user));
        }
        return user;
    }

    public List<UserAccount> list() {
        return database.read(em -> em.createQuery("SELECT u FROM UserAccount u ORDER BY u.email", UserAccount.class)
                .getResultList());
    }

    public long count() {
        return database.read(em -> em.createQuery("SELECT COUNT(u) FROM UserAccount u", Long.class).getSingleResult());
    }

    public UserAccount setActive(String id, boolean active) {
        return database.inTransaction(em -> {
            UserAccount user = em.find(UserAccount.class, id);
            if (user == null) {
                throw new NotFoundException("No such user.");
            }
            user.setActive(active);
            return user;
        });
    }

    /** The seeded admin of LOCAL_DEV_MODE; it has no password, so it can never sign in outside dev mode. */
    public UserAccount ensureDevUser() {
        return findByEmail(DEV_EMAIL).orElseGet(() -> insert(new UserAccount(DEV_EMAIL, "Local developer", null, true)));
    }

    private String decoyHash() {
        String hash = decoyHash;
        if (hash == null) {
            hash = hasher.hash("decoy-password-never-used");
            decoyHash = hash;
        }
        return hash;
    }
}
