//! Levels from XP thresholds (Moodle block_xp's shape: each level needs more than the last).
//! Level 1 starts at 0 XP; past the table every level needs [`STEP_PAST_TABLE`] more.

/// XP needed to reach level `i + 1`.
pub const THRESHOLDS: &[i64] = &[0, 100, 250, 500, 900, 1_400, 2_000, 2_800, 3_800, 5_000];

/// XP per level after the last threshold of [`THRESHOLDS`].
pub const STEP_PAST_TABLE: i64 = 1_500;

/// A level and how far to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Level {
    /// 1 and up.
    pub level: i64,
    /// XP at which this level started.
    pub floor: i64,
    /// XP at which the next level starts.
    pub next_at: i64,
}

/// The XP a level starts at.
fn threshold(level: i64) -> i64 {
    let last = THRESHOLDS.len() as i64;
    if level <= last {
        THRESHOLDS[usize::try_from(level - 1).unwrap_or(0)]
    } else {
        THRESHOLDS[THRESHOLDS.len() - 1] + (level - last) * STEP_PAST_TABLE
    }
}

/// The level of `xp` (negative XP counts as 0).
pub fn of(xp: i64) -> Level {
    let xp = xp.max(0);
    let mut level = 1;
    while threshold(level + 1) <= xp {
        level += 1;
    }
    Level {
        level,
        floor: threshold(level),
        next_at: threshold(level + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds() {
        assert_eq!(
            of(0),
            Level {
                level: 1,
                floor: 0,
                next_at: 100
            }
        );
        assert_eq!(of(99).level, 1);
        assert_eq!(of(100).level, 2);
        assert_eq!(
            of(4_999),
            Level {
                level: 9,
                floor: 3_800,
                next_at: 5_000
            }
        );
        assert_eq!(
            of(5_000),
            Level {
                level: 10,
                floor: 5_000,
                next_at: 6_500
            }
        );
        assert_eq!(
            of(8_000),
            Level {
                level: 12,
                floor: 8_000,
                next_at: 9_500
            }
        );
        assert_eq!(of(-5).level, 1);
    }
}
