package io.agnes.auth;

import io.agnes.web.Database;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** Personal access tokens: issued once, stored hashed, revocable, optionally expiring. */
@ApplicationScoped
public class AccessTokens {

    public static final String SECRET_PREFIX = "agnes_pat_";
    private static final SecureRandom RANDOM = new SecureRandom();
    /** last_used_at is written at most this often per token, so API traffic does not write on every call. */
    private static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);

    @Inject
    Database database;

    @Inject
    Users users;

    /** A freshly created token and its secret, which is shown once and never again. */
    public record Issued(AccessToken token, String secret) {
    }

    public Issued create(String userId, String name, Integer expiresInDays) {
        String label = name == null ? "" : name.trim();
        if (label.isEmpty() || label.length() > 100) {
            throw new BadRequestException("Give the token a name of 1 to 100 characters.");
        }
        if (expiresInDays != null && (expiresInDays < 1 || expiresInDays > 3650)) {
            throw new BadRequestException("Expiry must be between 1 and 3650 days, or none.");
        }
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String secret = SECRET_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Instant expiresAt = expiresInDays == null ? null : Instant.now().plus(Duration.ofDays(expiresInDays));
        AccessToken token = new AccessToken(userId, label, hash(secret), secret.substring(0, SECRET_PREFIX.length() + 4), expiresAt);
        database.runInTransaction(em -> em.persist(token));
        return new Issued(token, secret);
    }

    public List<AccessToken> listFor(String userId) {
        return database.read(em -> em.createQuery(
                        "SELECT t FROM AccessToken t WHERE t.userId = :user ORDER BY t.createdAt DESC", AccessToken.class)
                .setParameter("user", userId).getResultList());
    }

    /** Revokes one of the user's own tokens; false when the user has no such token. */
    public boolean revoke(String userId, String tokenId) {
        return database.inTransaction(em -> {
            AccessToken token = em.find(AccessToken.class, tokenId);
            if (token == null || !token.getUserId().equals(userId)) {
                return false;
            }
            token.revoke(Instant.now());
            return true;
        });
    }

    /** The active user a presented secret belongs to, if the token is usable. */
    public Optional<AuthenticatedUser> resolve(String secret) {
        if (secret == null || !secret.startsWith(SECRET_PREFIX)) {
            return Optional.empty();
        }
        String hash = hash(secret);
        Instant now = Instant.now();
        Optional<AccessToken> token = database.read(em -> em.createQuery(
                        "SELECT t FROM AccessToken t WHERE t.tokenHash = :hash", AccessToken.class)
                .setParameter("hash", hash).getResultStream().findFirst());
        if (token.isEmpty() || !token.get().isUsableAt(now)) {
            return Optional.empty();
        }
        Optional<AuthenticatedUser> user = users.findById(token.get().getUserId())
                .filter(UserAccount::isActive)
                .map(u -> u.toAuthenticated(AuthenticatedUser.Via.ACCESS_TOKEN));
        Instant lastUsed = token.get().getLastUsedAt();
        if (user.isPresent() && (lastUsed == null || lastUsed.isBefore(now.minus(LAST_USED_RESOLUTION)))) {
            String id = token.get().getId();
            database.runInTransaction(em -> {
                AccessToken managed = em.find(AccessToken.class, id);
                if (managed != null) {
                    managed.markUsed(now);
                }
            });
        }
        return user;
    }

    static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
