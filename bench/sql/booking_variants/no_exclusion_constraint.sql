-- Experiment (REPLAY_VARIANTS in bench/mentorship.sh), not a change: without the constraint
-- that keeps a mentor's open and booked slots from overlapping, taking a slot inserts no GiST
-- entry and checks no overlap. Says what that constraint costs a booking.
ALTER TABLE mentor_slots DROP CONSTRAINT mentor_slots_no_overlap;
