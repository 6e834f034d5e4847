//! Marketing forms and banners (band 80, ADR 0077): `marketing_events` (admin-configured
//! events and leagues a public registration form targets, with an optional capacity kept in
//! `registered` under the event's row lock), `marketing_registrations` (one per event and
//! lead: the unique constraint answers a repeat registration 409), `marketing_banners`
//! (sticky and popup banners with a schedule, an audience, a device platform, a priority and
//! an image object key in storage).

crate::sql_migration! {
    up: r#"
        CREATE TABLE marketing_events (
            id                     uuid PRIMARY KEY,
            platform_id            uuid NOT NULL REFERENCES platforms (id),
            kind                   text NOT NULL CHECK (kind IN ('event', 'league')),
            slug                   text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'
                                       AND length(slug) <= 60),
            title                  text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
            description            text CHECK (length(description) <= 4000),
            starts_at              timestamptz NOT NULL,
            ends_at                timestamptz,
            registration_closes_at timestamptz,
            capacity               integer CHECK (capacity BETWEEN 1 AND 1000000),
            registered             integer NOT NULL DEFAULT 0 CHECK (registered >= 0),
            active                 boolean NOT NULL DEFAULT true,
            created_by             uuid REFERENCES users (id),
            created_at             timestamptz NOT NULL DEFAULT now(),
            updated_at             timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT marketing_events_slug_unique UNIQUE (platform_id, slug),
            CHECK (ends_at IS NULL OR ends_at > starts_at),
            CHECK (capacity IS NULL OR registered <= capacity)
        );

        CREATE TABLE marketing_registrations (
            id          uuid PRIMARY KEY,
            platform_id uuid NOT NULL REFERENCES platforms (id),
            event_id    uuid NOT NULL REFERENCES marketing_events (id) ON DELETE CASCADE,
            lead_id     uuid NOT NULL REFERENCES leads (id),
            team_name   text CHECK (length(team_name) <= 120),
            institution text CHECK (length(institution) <= 200),
            utm         jsonb NOT NULL DEFAULT '{}'::jsonb,
            created_at  timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT marketing_registrations_once UNIQUE (event_id, lead_id)
        );
        CREATE INDEX marketing_registrations_event
            ON marketing_registrations (event_id, created_at DESC, id DESC);

        CREATE TABLE marketing_banners (
            id          uuid PRIMARY KEY,
            platform_id uuid NOT NULL REFERENCES platforms (id),
            kind        text NOT NULL CHECK (kind IN ('sticky', 'popup')),
            title       text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
            body        text CHECK (length(body) <= 2000),
            link_url    text CHECK (length(link_url) <= 2000),
            image_key   text CHECK (length(image_key) <= 1024),
            audience    text NOT NULL CHECK (audience IN ('all', 'logged_out', 'logged_in',
                            'students', 'mentors', 'sales', 'admins')),
            device      text NOT NULL CHECK (device IN ('all', 'web', 'android', 'ios')),
            priority    integer NOT NULL DEFAULT 0 CHECK (priority BETWEEN -1000 AND 1000),
            starts_at   timestamptz NOT NULL,
            ends_at     timestamptz,
            active      boolean NOT NULL DEFAULT true,
            created_by  uuid REFERENCES users (id),
            created_at  timestamptz NOT NULL DEFAULT now(),
            updated_at  timestamptz NOT NULL DEFAULT now(),
            CHECK (ends_at IS NULL OR ends_at > starts_at)
        );
        CREATE INDEX marketing_banners_live
            ON marketing_banners (platform_id, kind, priority DESC, starts_at DESC)
            WHERE active;
    "#,
    down: r#"
        DROP TABLE marketing_banners;
        DROP TABLE marketing_registrations;
        DROP TABLE marketing_events;
    "#,
}
