//! The replay behind [`escalation_timeline`](super::escalation_timeline):
//! the next level due (its wait on its calendar, held by pauses) and the
//! state that levels, jumps, stops and pauses move.

use chrono::{DateTime, TimeDelta, Utc};

use super::policy::{EscalationPolicy, StopOn};
use super::timeline::{EscalationReason, FiredEscalation, MAX_TIMELINE_ENTRIES};
use crate::calendar::BusinessCalendar;
use crate::error::{Error, Result};
use crate::types::Tier;

/// The next level due: levels[idx] of pass `pass`, due once `left` more of
/// its wait (on its calendar, or wall-clock) has passed after `from`; `held`
/// while the ticket is paused and the level follows pauses (`from` is then
/// reset at the resumption). `due` caches [`Run::due`] until the cursor
/// changes (`None`: not computed yet).
#[derive(Debug, Clone, Copy)]
pub(super) struct Cursor {
    pub(super) pass: u32,
    pub(super) idx: usize,
    pub(super) from: DateTime<Utc>,
    pub(super) left: TimeDelta,
    pub(super) held: bool,
    due: Option<Option<DateTime<Utc>>>,
}

#[derive(Debug)]
pub(super) struct Run<'a> {
    pub(super) policy: &'a EscalationPolicy,
    pub(super) fired: Vec<FiredEscalation>,
    pub(super) tier: Tier,
    pub(super) level: Option<String>,
    /// The last level notified, as (pass, index).
    pub(super) last: Option<(u32, usize)>,
    /// The next level due; `None` once the levels and repeats are used up.
    pub(super) cursor: Option<Cursor>,
    pub(super) stopped: Option<StopOn>,
    /// Between a `paused` and its `resumed` event.
    pub(super) paused: bool,
}

impl Run<'_> {
    /// The cursor for levels[idx] of pass `pass`, its wait starting at `at`.
    pub(super) fn start(&self, pass: u32, idx: usize, at: DateTime<Utc>) -> Cursor {
        let level = &self.policy.levels()[idx];
        let left = if idx == 0 && pass > 0 {
            self.policy.repeat_delay()
        } else {
            level.delay
        };
        Cursor {
            pass,
            idx,
            from: at,
            left,
            held: self.paused && level.follow_pauses,
            due: None,
        }
    }

    /// The calendar of levels[idx], if it has one.
    fn calendar(&self, idx: usize) -> Option<&BusinessCalendar> {
        let name = self.policy.levels()[idx].calendar.as_ref()?;
        self.policy.calendars.get(name)
    }

    /// When the cursor's level is due; `None` without a cursor, while held
    /// or past the end of time. Computed once per cursor change.
    pub(super) fn due(&mut self) -> Result<Option<DateTime<Utc>>> {
        let Some(c) = self.cursor else {
            return Ok(None);
        };
        if let Some(due) = c.due {
            return Ok(due);
        }
        let due = self.compute_due(c)?;
        if let Some(c) = self.cursor.as_mut() {
            c.due = Some(due);
        }
        Ok(due)
    }

    fn compute_due(&self, c: Cursor) -> Result<Option<DateTime<Utc>>> {
        if c.held {
            return Ok(None);
        }
        match self.calendar(c.idx) {
            None => Ok(c.from.checked_add_signed(c.left)),
            Some(cal) => cal
                .add(c.from, c.left, &[])
                .map(Some)
                .map_err(|e| e.at(format_args!("levels[{}].calendar", c.idx))),
        }
    }

    /// A `paused` event at `at`: a level that follows pauses keeps what is
    /// left of its wait and holds.
    pub(super) fn pause(&mut self, at: DateTime<Utc>) -> Result<()> {
        self.paused = true;
        let Some(mut c) = self.cursor else {
            return Ok(());
        };
        if c.held || self.stopped.is_some() || !self.policy.levels()[c.idx].follow_pauses {
            return Ok(());
        }
        let used = match self.calendar(c.idx) {
            None => at - c.from,
            Some(cal) => cal
                .elapsed(c.from, at, &[])
                .map_err(|e| e.at(format_args!("levels[{}].calendar", c.idx)))?,
        };
        c.left = (c.left - used).max(TimeDelta::zero());
        c.held = true;
        c.due = None;
        self.cursor = Some(c);
        Ok(())
    }

    /// A `resumed` event at `at`: a held level's wait goes on from `at`.
    pub(super) fn resume(&mut self, at: DateTime<Utc>) {
        self.paused = false;
        if let Some(c) = self.cursor.as_mut()
            && c.held
        {
            c.from = at;
            c.held = false;
            c.due = None;
        }
    }

    /// The cursor after notifying levels[idx] of pass `pass` at `at`.
    pub(super) fn after(&self, pass: u32, idx: usize, at: DateTime<Utc>) -> Option<Cursor> {
        let (mut pass, mut idx) = (pass, idx + 1);
        if idx == self.policy.levels().len() {
            idx = 0;
            pass += 1;
        }
        (pass <= self.policy.repeat()).then(|| self.start(pass, idx, at))
    }

    pub(super) fn push(
        &mut self,
        at: DateTime<Utc>,
        level: Option<String>,
        reason: EscalationReason,
    ) -> Result<()> {
        if self.fired.len() >= MAX_TIMELINE_ENTRIES {
            return Err(Error::limit(format!(
                "the timeline has more than {MAX_TIMELINE_ENTRIES} fired escalations"
            )));
        }
        self.fired.push(FiredEscalation {
            at,
            level,
            tier: self.tier,
            reason,
        });
        Ok(())
    }

    /// Notifies levels[idx] of pass `pass` at `at`, raising the tier to at
    /// least `floor` and the level's tier.
    fn notify(
        &mut self,
        pass: u32,
        idx: usize,
        at: DateTime<Utc>,
        reason: EscalationReason,
        floor: Tier,
    ) -> Result<()> {
        let level = &self.policy.levels()[idx];
        self.tier = self.tier.max(level.tier).max(floor);
        self.level = Some(level.name.clone());
        self.last = Some((pass, idx));
        self.cursor = self.after(pass, idx, at);
        self.push(at, self.level.clone(), reason)
    }

    /// Fires every level due before `t` (or at `t` when `inclusive`).
    pub(super) fn fire_until(&mut self, t: DateTime<Utc>, inclusive: bool) -> Result<()> {
        while self.stopped.is_none() {
            let Some(c) = self.cursor else { break };
            let Some(due) = self.due()? else { break };
            if due > t || (!inclusive && due == t) {
                break;
            }
            let reason = if c.pass == 0 {
                EscalationReason::Level
            } else {
                EscalationReason::Repeat
            };
            self.notify(c.pass, c.idx, due, reason, Tier::MIN)?;
        }
        Ok(())
    }

    pub(super) fn jump(
        &mut self,
        target: Tier,
        at: DateTime<Utc>,
        reason: EscalationReason,
    ) -> Result<()> {
        match self.cursor {
            Some(c) => {
                let levels = self.policy.levels();
                let idx = (c.idx..levels.len())
                    .find(|&i| levels[i].tier >= target)
                    .unwrap_or(levels.len() - 1);
                self.notify(c.pass, idx, at, reason, target)
            }
            None => {
                self.tier = self.tier.max(target);
                self.push(at, None, reason)
            }
        }
    }
}
