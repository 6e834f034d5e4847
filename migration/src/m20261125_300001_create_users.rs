//! `users` (one row per person per platform; email unique per platform, stored lowercased)
//! and `oauth_identities` (external sign-in accounts linked to a user).

crate::sql_migration! {
    up: r#"
                CREATE TABLE users (
                    id                  uuid PRIMARY KEY,
                    platform_id         uuid NOT NULL REFERENCES platforms (id),
                    email               text NOT NULL CHECK (
                                            email = lower(email)
                                            AND length(email) BETWEEN 3 AND 254
                                            AND position('@' IN email) > 1
                                        ),
                    full_name           text NOT NULL CHECK (length(full_name) BETWEEN 1 AND 200),
                    phone               text CHECK (phone IS NULL OR length(phone) BETWEEN 4 AND 32),
                    password_hash       text,
                    role                text NOT NULL DEFAULT 'USER'
                                        CHECK (role IN ('USER', 'ADMIN', 'SUPERADMIN', 'EXPERT', 'SALES')),
                    capabilities        jsonb NOT NULL DEFAULT '[]'::jsonb
                                        CHECK (jsonb_typeof(capabilities) = 'array'),
                    status              text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
                    email_verified_at   timestamptz,
                    tokens_valid_after  timestamptz,
                    last_login_at       timestamptz,
                    created_at          timestamptz NOT NULL DEFAULT now(),
                    updated_at          timestamptz NOT NULL DEFAULT now()
                );
                CREATE UNIQUE INDEX users_platform_email ON users (platform_id, email);
                CREATE INDEX users_platform_id_desc ON users (platform_id, id DESC);

                CREATE TABLE oauth_identities (
                    id           uuid PRIMARY KEY,
                    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    platform_id  uuid NOT NULL REFERENCES platforms (id),
                    provider     text NOT NULL CHECK (provider IN ('google')),
                    subject      text NOT NULL CHECK (length(subject) BETWEEN 1 AND 255),
                    email        text,
                    created_at   timestamptz NOT NULL DEFAULT now(),
                    UNIQUE (platform_id, provider, subject),
                    UNIQUE (user_id, provider)
                );
                "#,
    down: "DROP TABLE oauth_identities; DROP TABLE users;",
}
