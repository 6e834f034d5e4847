//! Room membership of the sockets on this node, per namespace.

use std::collections::{HashMap, HashSet};

#[derive(Debug, Default)]
struct Namespace {
    rooms: HashMap<String, HashSet<String>>,
    sockets: HashMap<String, HashSet<String>>,
}

/// Which local socket is in which room.
#[derive(Debug, Default)]
pub struct LocalRooms {
    nsps: HashMap<String, Namespace>,
}

impl LocalRooms {
    /// Adds `sid` to `room`; `true` when it was not there yet.
    pub fn join(&mut self, nsp: &str, sid: &str, room: &str) -> bool {
        let ns = self.nsps.entry(nsp.to_owned()).or_default();
        ns.sockets
            .entry(sid.to_owned())
            .or_default()
            .insert(room.to_owned());
        ns.rooms
            .entry(room.to_owned())
            .or_default()
            .insert(sid.to_owned())
    }

    /// Removes `sid` from `room`; `true` when it was there.
    pub fn leave(&mut self, nsp: &str, sid: &str, room: &str) -> bool {
        let Some(ns) = self.nsps.get_mut(nsp) else {
            return false;
        };
        if let Some(rooms) = ns.sockets.get_mut(sid) {
            rooms.remove(room);
        }
        match ns.rooms.get_mut(room) {
            Some(members) => {
                let removed = members.remove(sid);
                if members.is_empty() {
                    ns.rooms.remove(room);
                }
                removed
            }
            None => false,
        }
    }

    /// Removes `sid` from every room; returns the rooms it was in.
    pub fn remove_socket(&mut self, nsp: &str, sid: &str) -> Vec<String> {
        let rooms: Vec<String> = self
            .nsps
            .get_mut(nsp)
            .and_then(|ns| ns.sockets.remove(sid))
            .map(|r| r.into_iter().collect())
            .unwrap_or_default();
        for room in &rooms {
            self.leave(nsp, sid, room);
        }
        rooms
    }

    /// The rooms `sid` is in.
    pub fn rooms_of(&self, nsp: &str, sid: &str) -> Vec<String> {
        self.nsps
            .get(nsp)
            .and_then(|ns| ns.sockets.get(sid))
            .map(|r| r.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Local sockets in any of `rooms` (every socket of the namespace when `rooms` is empty),
    /// minus those in any of `except`.
    pub fn targets(&self, nsp: &str, rooms: &[String], except: &[String]) -> Vec<String> {
        let Some(ns) = self.nsps.get(nsp) else {
            return Vec::new();
        };
        let excluded: HashSet<&String> = except
            .iter()
            .filter_map(|r| ns.rooms.get(r))
            .flatten()
            .collect();
        let mut out: HashSet<&String> = HashSet::new();
        if rooms.is_empty() {
            out.extend(ns.sockets.keys());
        } else {
            for room in rooms {
                if let Some(members) = ns.rooms.get(room) {
                    out.extend(members);
                }
            }
        }
        out.into_iter()
            .filter(|s| !excluded.contains(s))
            .cloned()
            .collect()
    }

    /// Number of rooms other than the sockets' own rooms, over all namespaces.
    pub fn shared_room_count(&self) -> usize {
        self.nsps
            .values()
            .map(|ns| {
                ns.rooms
                    .keys()
                    .filter(|room| !ns.sockets.contains_key(*room))
                    .count()
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_rooms_minus_except() {
        let mut rooms = LocalRooms::default();
        for sid in ["a", "b", "c"] {
            rooms.join("/", sid, sid);
            rooms.join("/", sid, "r");
        }
        let mut t = rooms.targets("/", &["r".into()], &["b".into()]);
        t.sort();
        assert_eq!(t, vec!["a", "c"]);
        assert_eq!(rooms.shared_room_count(), 1);
        rooms.remove_socket("/", "a");
        assert_eq!(rooms.targets("/", &[], &[]).len(), 2);
        assert!(rooms.targets("/other", &[], &[]).is_empty());
    }
}
