//! The MAS LMS. Courses (draft/published, price in paise, GST-inclusive flag, level, cover
//! image in storage) with modules and content items in order, batches with a batch lead and a
//! capacity, the public catalogue (`/api/courses`), enrolment granted by an admin
//! (`/api/admin/course-enrollments`, idempotent per user and course) with batch seats taken
//! under a row lock, and progress per content item and per course for enrolled students
//! (`/api/student/courses/{course_id}`, behind [`kernel::auth::Enrolled`], which this crate
//! answers through [`service::enrollment::LmsEnrollmentCheck`]).
//!
//! Courses are sold through the shared payments (`integrations::payments`):
//! `/api/course-enrollment/orders` places an order, its verification (or Razorpay's webhook,
//! whichever comes first) enrols once ([`service::orders::CourseEnrollments`]), and a daily
//! job reconciles open orders against Razorpay ([`payment_workers`]).
//!
//! Paths mounted (all behind the `lms` module): `/api/admin/courses/*`,
//! `/api/admin/course-enrollments/*`, `/api/course-enrollment/*`, `/api/courses/*`,
//! `/api/student/*`, `/api/grading/*`, `/api/admin/students/*`, `/api/question-bank/*`,
//! `/api/admin/quizzes/*`, `/api/admin/quiz-invites/*`, `/api/admin/learners/*`,
//! `/api/quizzes/*`, `/api/quiz-attempts/*`, `/api/candidate-quiz/*`.
//!
//! Owns (migration band 70): `courses`, `course_modules`, `course_items`, `batches`,
//! `enrollments`, `item_progress`, `course_orders`, `course_order_refunds`; quizzes:
//! `questions`, `question_versions`, `quizzes`, `quiz_questions`, `learner_accommodations`,
//! `quiz_invites`, `quiz_attempts`, `attempt_questions`, `attempt_answers`.
//!
//! Coursework (issue 11, [docs/lms.md](../../docs/lms.md)): assignments per course with a
//! rubric, late rules and file rules (`/api/admin/courses/{id}/assignments`), hand-ins by
//! enrolled students as numbered versions with the late flag and penalty fixed at hand-in
//! (`/api/student/courses/{course_id}/assignments/*`, publishing `assignment.submitted`),
//! grading by an admin or the student's batch lead (`/api/grading/*`), reminders at 19:00 IST
//! for work due tomorrow (`assignmentReminderQueue`), live classes with a join window and attendance
//! (`/api/admin/courses/{id}/live-classes/*`, `/api/student/courses/{course_id}/live-classes/*`),
//! and the student's profile and documents (`/api/student/profile`, `/api/student/documents/*`,
//! `/api/admin/students/{user_id}/documents`). Tables: `assignments`,
//! `assignment_submissions`, `assignment_reminders`, `live_classes`, `live_class_attendance`,
//! `student_profiles`, `student_documents`.
//!
//! The question bank (a new version per edit), timed quizzes with the server's clock, attempts
//! (one in progress per learner, answers saved one by one with a sequence number, graded
//! once), learners' accommodations, candidate quizzes by single-use invite link, the
//! overdue-attempt sweeper and `quiz.passed` (ADR 0046, docs/lms.md).
//!
//! [`Lms`] is the crate's state (registered as `web::Data<Lms>`) and keeps its environment
//! section, [`LmsConfig`].

pub mod config;
pub mod dto;
pub mod entities;
pub mod error;
pub mod events;
pub mod import;
pub mod placement;
pub mod profile;
pub mod routes;
pub mod service;
pub mod settings;
mod state;
pub mod workers;

pub use config::LmsConfig;
pub use error::LmsError;
pub use routes::{MODULE, configure};
pub use state::Lms;
pub use workers::{ai_workers, payment_workers, workers};
