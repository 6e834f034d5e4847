//! Mr. Hire (band 75): a stage template names the email sent when an application enters a stage
//! (`stage_templates.stage_emails`, stage -> template) and the scorecard criteria of a stage
//! (`stage_templates.scorecards`, stage -> [{key, description}]); `application_emails` records
//! each stage email (ids and the template only: the address is read when it is sent);
//! `review_requests` are candidates' requests for a human review of an AI-assisted decision,
//! made with the secret their apply confirmation carried (`job_applications.review_token_sha256`);
//! `interview_scorecards` are one structured scorecard per interviewer per stage.

crate::sql_migration! {
    up: r#"
        ALTER TABLE stage_templates
            ADD COLUMN stage_emails jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(stage_emails) = 'object'),
            ADD COLUMN scorecards jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(scorecards) = 'object');
        UPDATE stage_templates SET
            stage_emails = '{"interview": "interview_invitation", "offer": "offer_extended", "rejected": "application_rejected"}',
            scorecards = '{"interview": [
                {"key": "communication", "description": "Explains clearly and listens"},
                {"key": "problem_solving", "description": "Breaks a problem down and reasons about it"},
                {"key": "role_knowledge", "description": "Knows the tools and practice of the role"}]}'
          WHERE platform_id IS NULL;

        CREATE TABLE application_emails (
            id              uuid PRIMARY KEY,
            platform_id     uuid NOT NULL REFERENCES platforms (id),
            application_id  uuid NOT NULL REFERENCES job_applications (id) ON DELETE CASCADE,
            event_id        uuid NOT NULL REFERENCES application_events (id) ON DELETE CASCADE,
            template        text NOT NULL CHECK (template ~ '^[a-z_]{1,60}$'),
            status          text NOT NULL CHECK (status IN ('queued', 'sent', 'skipped')),
            skipped_reason  text CHECK (length(skipped_reason) <= 200),
            created_at      timestamptz NOT NULL DEFAULT now(),
            sent_at         timestamptz,
            CONSTRAINT application_emails_once UNIQUE (event_id)
        );
        CREATE INDEX application_emails_application ON application_emails (application_id, created_at);

        ALTER TABLE job_applications ADD COLUMN review_token_sha256 text CHECK (review_token_sha256 ~ '^[0-9a-f]{64}$');
        CREATE TABLE review_requests (
            id              uuid PRIMARY KEY,
            platform_id     uuid NOT NULL REFERENCES platforms (id),
            application_id  uuid NOT NULL REFERENCES job_applications (id) ON DELETE CASCADE,
            reason          text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
            created_at      timestamptz NOT NULL DEFAULT now(),
            resolved_at     timestamptz,
            resolved_by     uuid REFERENCES users (id) ON DELETE SET NULL,
            resolution      text CHECK (length(resolution) BETWEEN 1 AND 2000),
            CHECK ((resolved_at IS NULL) = (resolution IS NULL))
        );
        CREATE UNIQUE INDEX review_requests_open ON review_requests (application_id) WHERE resolved_at IS NULL;
        CREATE INDEX review_requests_platform ON review_requests (platform_id, created_at DESC);

        CREATE TABLE interview_scorecards (
            id              uuid PRIMARY KEY,
            platform_id     uuid NOT NULL REFERENCES platforms (id),
            application_id  uuid NOT NULL REFERENCES job_applications (id) ON DELETE CASCADE,
            stage           text NOT NULL CHECK (stage ~ '^[a-z_]{1,40}$'),
            interviewer_id  uuid NOT NULL REFERENCES users (id),
            scores          jsonb NOT NULL CHECK (jsonb_typeof(scores) = 'object'),
            recommendation  text NOT NULL CHECK (recommendation IN ('strong_no', 'no', 'yes', 'strong_yes')),
            notes           text NOT NULL DEFAULT '' CHECK (length(notes) <= 5000),
            created_at      timestamptz NOT NULL DEFAULT now(),
            updated_at      timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT interview_scorecards_once UNIQUE (application_id, stage, interviewer_id)
        );
    "#,
    down: r#"
        DROP TABLE interview_scorecards;
        DROP TABLE review_requests;
        ALTER TABLE job_applications DROP COLUMN review_token_sha256;
        DROP TABLE application_emails;
        ALTER TABLE stage_templates DROP COLUMN scorecards, DROP COLUMN stage_emails;
    "#,
}
