package io.agnes.auth;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A personal access token for the API and the CLI. Only a hash of the secret is stored. */
@Entity
@Table(name = "agnes_access_token", indexes = @Index(name = "ix_access_token_hash", columnList = "token_hash", unique = true))
public class AccessToken {

    @Id
    @Column(length = 36)
    private String id;

    @Column(name = "user_id", nullable = false, length = 36)
    private String userId;

    @Column(nullable = false, length = 100)
    private String name;

    /** SHA-256 of the secret, hex: tokens are 256 random bits, so a fast hash is enough. */
    @Column(name = "token_hash", nullable = false, length = 64)
    private String tokenHash;

    /** The first characters of the secret, to recognise a token in lists. */
    @Column(name = "token_prefix", nullable = false, length = 20)
    private String prefix;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "expires_at")
    private Instant expiresAt;

    @Column(name = "last_used_at")
    private Instant lastUsedAt;

    @Column(name = "revoked_at")
    private Instant revokedAt;

    protected AccessToken() {
    }

    AccessToken(String userId, String name, String tokenHash, String prefix, Instant expiresAt) {
        this.id = UUID.randomUUID().toString();
        this.userId = userId;
        this.name = name;
        this.tokenHash = tokenHash;
        this.prefix = prefix;
        this.createdAt = Instant.now();
        this.expiresAt = expiresAt;
    }

    /** Usable at {@code now}: neither revoked nor expired. */
    public boolean isUsableAt(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }

    public String getId() {
        return id;
    }

    public String getUserId() {
        return userId;
    }

    public String getName() {
        return name;
    }

    public String getTokenHash() {
        return tokenHash;
    }

    public String getPrefix() {
        return prefix;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getExpiresAt() {
        return expiresAt;
    }

    public Instant getLastUsedAt() {
        return lastUsedAt;
    }

    public Instant getRevokedAt() {
        return revokedAt;
    }

    void markUsed(Instant when) {
        this.lastUsedAt = when;
    }

    void revoke(Instant when) {
        if (revokedAt == null) {
            this.revokedAt = when;
        }
    }
}
