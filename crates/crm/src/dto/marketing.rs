//! Bodies of the marketing forms, events and leagues, banners (ADR 0077), campaigns and the
//! CM console (ADR 0078).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::{
    dto::leads::{form_name, utm_map},
    entities::Stage,
};

/// What every public marketing form says about the person (its fields, validated with the
/// form).
#[derive(Debug, Clone, Default)]
pub struct Person {
    /// Name.
    pub full_name: String,
    /// Phone as typed.
    pub phone: String,
    /// Email.
    pub email: Option<String>,
    /// Preferred language.
    pub language: Option<String>,
    /// Region.
    pub region: Option<String>,
    /// WhatsApp consent.
    pub whatsapp_consent: Option<bool>,
    /// UTM parameters.
    pub utm: Option<BTreeMap<String, String>>,
    /// Honeypot.
    pub website: Option<String>,
}

/// Defines a public form's body: the person's fields (name, phone, email, language, region,
/// consent, UTM, honeypot) and the form's own.
macro_rules! person_form {
    ($(#[$doc:meta])* pub struct $name:ident { $($(#[$fdoc:meta])* pub $field:ident: $ty:ty,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Deserialize, Validate, ToSchema)]
        pub struct $name {
            /// The person's name.
            #[validate(length(min = 1, max = 200))]
            #[schema(min_length = 1, max_length = 200)]
            pub full_name: String,
            /// Phone (without a country code: India).
            #[validate(length(min = 1, max = 32))]
            #[schema(min_length = 1, max_length = 32)]
            pub phone: String,
            /// Email.
            #[validate(length(min = 3, max = 320))]
            #[schema(min_length = 3, max_length = 320)]
            pub email: Option<String>,
            /// Preferred language.
            #[validate(length(min = 1, max = 40))]
            #[schema(min_length = 1, max_length = 40)]
            pub language: Option<String>,
            /// Region (state or city).
            #[validate(length(min = 1, max = 80))]
            #[schema(min_length = 1, max_length = 80)]
            pub region: Option<String>,
            /// WhatsApp consent given on the form (the checkbox).
            pub whatsapp_consent: Option<bool>,
            /// UTM parameters (`utm_source`, `utm_campaign`, …): at most 10 keys of up to 40
            /// characters, values up to 200; `utm_campaign` attributes the lead to the
            /// campaign with that UTM campaign.
            #[validate(custom(function = "utm_map"))]
            pub utm: Option<BTreeMap<String, String>>,
            /// Honeypot: a field hidden from people. Filled in, the submission is answered
            /// like any other and discarded.
            #[validate(length(max = 500))]
            #[schema(max_length = 500)]
            pub website: Option<String>,
            $($(#[$fdoc])* pub $field: $ty,)*
        }

        impl $name {
            /// The person's part.
            pub fn person(&self) -> Person {
                Person {
                    full_name: self.full_name.clone(),
                    phone: self.phone.clone(),
                    email: self.email.clone(),
                    language: self.language.clone(),
                    region: self.region.clone(),
                    whatsapp_consent: self.whatsapp_consent,
                    utm: self.utm.clone(),
                    website: self.website.clone(),
                }
            }
        }
    };
}

person_form! {
    /// `POST /api/course-interest`: someone asks about a course.
    pub struct CourseInterestRequest {
        /// The course asked about.
        #[validate(length(min = 1, max = 120))]
        #[schema(min_length = 1, max_length = 120)]
        pub course: String,
        /// What they wrote.
        #[validate(length(max = 1000))]
        #[schema(max_length = 1000)]
        pub message: Option<String>,
    }
}

person_form! {
    /// `POST /api/ai-for-everyone`: the AI-for-everyone programme's sign-up.
    pub struct AiForEveryoneRequest {
        /// Their profession (student, teacher, working professional, …).
        #[validate(length(min = 1, max = 120))]
        #[schema(min_length = 1, max_length = 120)]
        pub profession: Option<String>,
    }
}

person_form! {
    /// `POST /api/event-config/{slug}/registrations`: registers a person for an event.
    pub struct EventRegistrationRequest {}
}

person_form! {
    /// `POST /api/league-registration`: registers a person (and their team) for a league.
    pub struct LeagueRegistrationRequest {
        /// The league's slug.
        #[validate(length(min = 1, max = 60), custom(function = "form_name"))]
        #[schema(min_length = 1, max_length = 60, pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$")]
        pub league: String,
        /// Their team.
        #[validate(length(min = 1, max = 120))]
        #[schema(min_length = 1, max_length = 120)]
        pub team_name: Option<String>,
        /// Their school, college or company.
        #[validate(length(min = 1, max = 200))]
        #[schema(min_length = 1, max_length = 200)]
        pub institution: Option<String>,
    }
}

/// A public form's answer: always the same (new lead, repeat or honeypot).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FormAnswer {
    /// Always true.
    pub received: bool,
}

/// A registration taken (201).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RegistrationAnswer {
    /// The registration.
    pub registration_id: Uuid,
    /// The event or league.
    pub event_id: Uuid,
    /// Always `registered`.
    pub status: String,
}

/// Event or league.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// An event (webinar, workshop, meetup): `POST /api/event-config/{slug}/registrations`.
    Event,
    /// A league (a competition): `POST /api/league-registration`.
    League,
}

impl EventKind {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Event => "event",
            Self::League => "league",
        }
    }
}

/// An admin's event or league (create or replace).
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct EventConfigRequest {
    /// Event or league.
    pub kind: EventKind,
    /// The public slug (lower-case words joined by dashes).
    #[validate(length(min = 1, max = 60), custom(function = "form_name"))]
    #[schema(min_length = 1, max_length = 60, pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$")]
    pub slug: String,
    /// Title.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Description.
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    pub description: Option<String>,
    /// When it starts.
    pub starts_at: DateTime<Utc>,
    /// When it ends (after `starts_at`).
    pub ends_at: Option<DateTime<Utc>>,
    /// Registrations close at this time (default: when it starts).
    pub registration_closes_at: Option<DateTime<Utc>>,
    /// Places (none: unlimited).
    #[validate(range(min = 1, max = 1_000_000))]
    #[schema(minimum = 1, maximum = 1_000_000)]
    pub capacity: Option<i32>,
    /// Open for registration (default true).
    pub active: Option<bool>,
}

/// An event or league.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, sea_orm::FromQueryResult)]
pub struct EventConfigDto {
    /// Id.
    pub id: Uuid,
    /// `event` or `league`.
    pub kind: String,
    /// Slug.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: Option<String>,
    /// Starts.
    pub starts_at: DateTime<Utc>,
    /// Ends.
    pub ends_at: Option<DateTime<Utc>>,
    /// Registrations close.
    pub registration_closes_at: Option<DateTime<Utc>>,
    /// Places (null: unlimited).
    pub capacity: Option<i32>,
    /// Registrations taken.
    pub registered: i32,
    /// Open for registration.
    pub active: bool,
}

/// Which events: `kind` to narrow.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventFilter {
    /// Only events or only leagues.
    pub kind: Option<EventKind>,
}

/// A registration as an admin sees it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, sea_orm::FromQueryResult)]
pub struct RegistrationDto {
    /// Id.
    pub id: Uuid,
    /// The lead (deduplicated: a known person's first lead).
    pub lead_id: Uuid,
    /// Team.
    pub team_name: Option<String>,
    /// Institution.
    pub institution: Option<String>,
    /// UTM parameters of the registration.
    #[schema(value_type = Object)]
    pub utm: serde_json::Value,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// Sticky or popup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BannerKind {
    /// A bar fixed to the page.
    Sticky,
    /// A popup.
    Popup,
}

impl BannerKind {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sticky => "sticky",
            Self::Popup => "popup",
        }
    }
}

/// Who sees a banner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Everyone.
    All,
    /// Visitors without an account session.
    LoggedOut,
    /// Any signed-in user.
    LoggedIn,
    /// Signed-in students (role USER).
    Students,
    /// Signed-in mentors (role EXPERT).
    Mentors,
    /// Signed-in sales users.
    Sales,
    /// Signed-in admins.
    Admins,
}

impl Audience {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::LoggedOut => "logged_out",
            Self::LoggedIn => "logged_in",
            Self::Students => "students",
            Self::Mentors => "mentors",
            Self::Sales => "sales",
            Self::Admins => "admins",
        }
    }
}

/// Which client a banner shows on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Device {
    /// Every client.
    All,
    /// The website.
    Web,
    /// The Android app.
    Android,
    /// The iOS app.
    Ios,
}

impl Device {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Web => "web",
            Self::Android => "android",
            Self::Ios => "ios",
        }
    }
}

/// An admin's banner (create or replace).
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct BannerRequest {
    /// Sticky or popup.
    pub kind: BannerKind,
    /// Title.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Text.
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub body: Option<String>,
    /// Where a click goes (`https://…` or a path starting with one `/`; no `//`, no
    /// backslash).
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub link_url: Option<String>,
    /// The image: an object key of this platform from `POST /api/upload` (an image).
    #[validate(length(min = 1, max = 1024))]
    #[schema(min_length = 1, max_length = 1024)]
    pub image_key: Option<String>,
    /// Who sees it.
    pub audience: Audience,
    /// Which client shows it.
    pub device: Device,
    /// Higher first.
    #[validate(range(min = -1000, max = 1000))]
    #[schema(minimum = -1000, maximum = 1000)]
    pub priority: Option<i32>,
    /// Shown from.
    pub starts_at: DateTime<Utc>,
    /// Shown until (after `starts_at`; none: no end).
    pub ends_at: Option<DateTime<Utc>>,
    /// Switched on (default true).
    pub active: Option<bool>,
}

/// A banner (admin view: every field).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, sea_orm::FromQueryResult)]
pub struct BannerDto {
    /// Id.
    pub id: Uuid,
    /// `sticky` or `popup`.
    pub kind: String,
    /// Title.
    pub title: String,
    /// Text.
    pub body: Option<String>,
    /// Link.
    pub link_url: Option<String>,
    /// Image object key.
    pub image_key: Option<String>,
    /// Audience.
    pub audience: String,
    /// Device.
    pub device: String,
    /// Priority (higher first).
    pub priority: i32,
    /// From.
    pub starts_at: DateTime<Utc>,
    /// Until.
    pub ends_at: Option<DateTime<Utc>>,
    /// Switched on.
    pub active: bool,
}

/// A banner showing now, as a client gets it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LiveBanner {
    /// Id.
    pub id: Uuid,
    /// Title.
    pub title: String,
    /// Text.
    pub body: Option<String>,
    /// Link.
    pub link_url: Option<String>,
    /// A signed URL of the image (valid for `SIGNED_URL_TTL_SECS`).
    pub image_url: Option<String>,
    /// Priority (higher first).
    pub priority: i32,
    /// Shown until.
    pub ends_at: Option<DateTime<Utc>>,
}

/// The banners showing now.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LiveBanners {
    /// Highest priority first.
    pub items: Vec<LiveBanner>,
}

/// `?device=`: the client asking.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeviceQuery {
    /// The client (default `web`).
    pub device: Option<Device>,
}

/// `?kind=` on the admin's banner list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BannerFilter {
    /// Only sticky or only popup banners.
    pub kind: Option<BannerKind>,
}

/// An admin's campaign.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct CampaignRequest {
    /// Name (unique on the platform).
    #[validate(length(min = 1, max = 120))]
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    /// Channel (`facebook`, `google`, `instagram`, …).
    #[validate(length(min = 1, max = 80))]
    #[schema(min_length = 1, max_length = 80)]
    pub source: String,
    /// The `utm_campaign` (or vendor `campaign`) that attributes arriving leads (unique on
    /// the platform, case-insensitive).
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub utm_campaign: String,
    /// Budget in paise.
    #[validate(range(min = 0, max = 100_000_000_000_i64))]
    #[schema(minimum = 0, maximum = 100_000_000_000_i64)]
    pub budget_paise: i64,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day (on or after `starts_on`).
    pub ends_on: Option<NaiveDate>,
}

/// A campaign with its figures.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CampaignDto {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Channel.
    pub source: String,
    /// UTM campaign.
    pub utm_campaign: String,
    /// Budget in paise.
    pub budget_paise: i64,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day.
    pub ends_on: Option<NaiveDate>,
    /// Leads attributed (merged duplicates not counted).
    pub leads: i64,
    /// Of them won.
    pub won: i64,
    /// Of them lost.
    pub lost: i64,
    /// `won * 100 / leads`, two decimals (0 without leads).
    pub conversion_percent: f64,
    /// Budget per lead in paise (null without leads).
    pub cost_per_lead_paise: Option<i64>,
}

/// An explicit attribution.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct AttributeLead {
    /// The lead.
    pub lead_id: Uuid,
}

/// The CM console's filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CmLeadFilter {
    /// Only leads in this stage.
    pub stage: Option<Stage>,
    /// Only leads of this owner.
    pub owner_id: Option<Uuid>,
    /// Only leads with no owner.
    pub unassigned: Option<bool>,
    /// Only leads attributed to this campaign.
    pub campaign_id: Option<Uuid>,
    /// Only leads from this capture form.
    pub form: Option<String>,
    /// Only leads of this source.
    pub source: Option<String>,
    /// Arrived at or after.
    pub created_from: Option<DateTime<Utc>>,
    /// Arrived before.
    pub created_to: Option<DateTime<Utc>>,
}
