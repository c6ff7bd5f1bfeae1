//! The screen's state and what each key does to it. It never draws (ui.rs does), and
//! drawing never changes it. The cursor is a time: the end of the interval on screen.
//! Live, the points (a few numbers per interval) of the newest day are kept in a ring,
//! and full intervals (`Snapshot`s) for the last minutes. A replay keeps nothing that
//! grows with the log: the whole log as a fixed number of time buckets (`summary`), its
//! first and newest intervals, and, read again from the logs as the cursor moves, the
//! points and full intervals around the cursor (the app asks with `detail_request`, the
//! driver answers with `set_moments`), the charts' zoomed span (`chart_request`,
//! `set_chart`) and the process table at the cursor (`process_request`,
//! `set_processes`). A cursor moved past the points held is a time asked for
//! (`seeking`) until the interval there is read.

use super::cgroups::{CgColumn, CgSort};
use super::model::{Point, ProcRow, Snapshot};
use super::moment::{ChartRequest, Moments, ProcMoment, ProcRequest, Request};
use super::views::{Column, View};
use crate::sample::HostFacts;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::Duration;

/// Where the data comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Live,
    Replay,
}

/// How processes are ordered: by a column, largest or smallest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortKey {
    pub column: Column,
    /// The other way round from the column's usual order.
    pub reversed: bool,
}

impl SortKey {
    pub fn by(column: Column) -> Self {
        SortKey {
            column,
            reversed: false,
        }
    }

    /// Whether the largest come first.
    pub fn descending(self) -> bool {
        self.column.largest_first() != self.reversed
    }
}

/// A panel of the screen, cycled by its digit (`Panel::digit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    Cpu,
    Memory,
    Disks,
    Network,
    Processes,
    Charts,
}

impl Panel {
    pub const ALL: [Panel; 6] = [
        Panel::Cpu,
        Panel::Memory,
        Panel::Disks,
        Panel::Network,
        Panel::Processes,
        Panel::Charts,
    ];

    pub fn digit(self) -> char {
        (b'1' + Panel::ALL.iter().position(|p| *p == self).unwrap_or(0) as u8) as char
    }

    pub fn name(self) -> &'static str {
        match self {
            Panel::Cpu => "CPU",
            Panel::Memory => "memory",
            Panel::Disks => "disks",
            Panel::Network => "network",
            Panel::Processes => "processes",
            Panel::Charts => "charts",
        }
    }
}

/// How a panel is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Shown {
    #[default]
    Normal,
    /// It has the whole screen (between the header and the footer).
    Whole,
    /// Hidden, its room given to the others.
    Collapsed,
}

/// The charts' time span, in seconds, zoomed with `z` and `Z` (0: the whole log): from
/// minutes to a week (a replay reads the longer spans from the roll-up tiers).
pub const ZOOMS: [i64; 8] = [120, 300, 900, 3600, 14_400, 86_400, 604_800, 0];

/// Which interval a replay's cursor lands on when it was moved to a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Snap {
    /// The first ending at or after it (stepping on, a jump).
    AtOrAfter,
    /// The last ending at or before it (stepping back).
    AtOrBefore,
}

/// A line being typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// `j`: a time to jump to.
    Jump(String),
    /// `/`: a process name filter.
    Filter(String),
}

/// Replay speeds, in intervals per second of play.
const SPEEDS: [f64; 7] = [1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0];

/// Live: full intervals kept for walking back (the sparklines draw at most this many).
pub const LIVE_MOMENTS: usize = 120;
/// Live: points kept for the charts and the timeline (a day at 1 s), dropped oldest first.
pub const LIVE_POINTS: usize = 86_400;
/// Live: the newest intervals whose cgroups are kept (a host with thousands of cgroups
/// would otherwise keep them in every interval of the ring); a replay keeps those of the
/// moment on screen only.
pub const LIVE_CGROUP_MOMENTS: usize = 30;
/// Replay: full intervals decoded up to the cursor (the sparklines' history).
pub const REPLAY_MOMENTS: usize = 60;
/// Replay: the points read past the cursor (so that stepping on needs no read).
pub const REPLAY_AHEAD: usize = 60;
/// Processes moved by PgUp/PgDn.
pub const PROC_PAGE: usize = 10;

#[derive(Debug)]
pub struct App {
    pub source: Source,
    pub host: HostFacts,
    /// The points held, oldest first: live, the newest (a day at most); a replay, those
    /// around the cursor as last read.
    pub timeline: Vec<Point>,
    /// Replay: the whole log bucketed by time, as the timeline (and the charts' whole
    /// log) draws it.
    pub summary: super::summary::Summary,
    /// Replay: the first and the newest interval of the log, and how many were read.
    pub first: Option<Point>,
    pub last: Option<Point>,
    pub intervals: u64,
    /// Replay: the charts' zoomed span, as last read, and the span last asked for.
    pub chart: Option<super::summary::Summary>,
    chart_requested: Option<(i64, i64)>,
    /// Full intervals, oldest first: the last few (live) or those up to the cursor
    /// (replay, as last decoded).
    pub moments: VecDeque<Snapshot>,
    /// Replay: the time of the moment last asked to be decoded.
    requested: Option<i64>,
    /// Wall times of the restarts in the timeline.
    pub restarts: Vec<i64>,
    /// `-C`: comments recorded in the logs (wall time, text).
    pub comments: Vec<(i64, String)>,
    /// Problems with the logs (damaged records, a day cut short), one line each.
    pub damage: Vec<String>,
    /// The end of the interval on screen (`None` before the first).
    pub cursor: Option<i64>,
    /// Replay: the cursor is a time asked for, not yet an interval's end: the interval
    /// there is being read (`Snap` says which).
    pub seeking: Option<Snap>,
    /// Live: the cursor stays on the newest interval.
    pub following: bool,
    /// Replay: playing forward.
    pub playing: bool,
    pub speed: usize,
    /// Play progress between ticks, in intervals.
    play_credit: f64,
    /// Live: seconds between samples.
    pub refresh: Duration,
    pub show_help: bool,
    pub input: Option<Input>,
    pub procs: Vec<ProcRow>,
    /// Replay: process tables recorded in the log, and the time between the newest two.
    pub proc_tables: u64,
    pub proc_every_ns: i64,
    proc_last_ns: Option<i64>,
    /// Replay: the table whose rows `procs` holds (its time, and the time of the table its
    /// %CPU is measured from).
    pub procs_at: Option<(i64, Option<i64>)>,
    /// Replay: the moment whose table was last asked for, and whether it is being read.
    procs_requested: Option<i64>,
    procs_pending: bool,
    /// Replay: the recorded command lines of the table on screen.
    pub recorded_cmdlines: HashMap<u32, Arc<str>>,
    pub sort: SortKey,
    pub view: View,
    /// `G`: the cgroup view is on (in the process table's place).
    pub cgroup_view: bool,
    pub cg_sort: CgSort,
    /// `{` `}`: nodes above this depth show their children (the root's children are at 1).
    pub cg_depth: usize,
    /// `+` `-`: nodes shown the other way from what `cg_depth` says.
    pub cg_toggled: HashSet<Arc<str>>,
    /// The selected row of the tree, and its cgroup (the selection keeps it as the rows
    /// re-sort).
    pub cg_selected: usize,
    pub cg_selected_path: Option<Arc<str>>,
    /// Enter on a cgroup: the process table shows only the processes in it and below.
    pub cg_filter: Option<Arc<str>>,
    /// How each panel of `Panel::ALL` is shown.
    pub panels: [Shown; 6],
    /// The charts' span: an index in `ZOOMS`.
    pub zoom: usize,
    /// `F`: the selection follows its process, said when it is gone.
    pub follow: bool,
    /// The selected process: the selection keeps it as the rows re-sort.
    pub selected_pid: Option<u32>,
    pub filter: String,
    /// The selected row of the process table (and the first row shown is chosen so that
    /// it is visible).
    pub proc_selected: usize,
    /// The selected process's full command line, when known (pid, text).
    pub cmdline: Option<(u32, String)>,
    pub users: HashMap<u32, String>,
    pub quit: bool,
    /// A one-line message (a bad time typed, …).
    pub message: Option<String>,
    /// Uptime of the newest sample, in seconds (live header).
    pub uptime_s: u64,
}

impl App {
    pub fn new(source: Source, host: HostFacts) -> Self {
        App {
            source,
            host,
            timeline: Vec::new(),
            summary: Default::default(),
            first: None,
            last: None,
            intervals: 0,
            chart: None,
            chart_requested: None,
            moments: VecDeque::new(),
            requested: None,
            restarts: Vec::new(),
            comments: Vec::new(),
            damage: Vec::new(),
            cursor: None,
            seeking: None,
            // Live shows the newest interval; a replay starts at the first.
            following: source == Source::Live,
            playing: false,
            speed: 0,
            play_credit: 0.0,
            refresh: Duration::from_secs(1),
            show_help: false,
            input: None,
            procs: Vec::new(),
            proc_tables: 0,
            proc_every_ns: 0,
            proc_last_ns: None,
            procs_at: None,
            procs_requested: None,
            procs_pending: false,
            recorded_cmdlines: HashMap::new(),
            sort: SortKey::by(Column::Cpu),
            view: View::Generic,
            cgroup_view: false,
            cg_sort: CgSort {
                column: CgColumn::Cpu,
                reversed: false,
            },
            cg_depth: 2,
            cg_toggled: HashSet::new(),
            cg_selected: 0,
            cg_selected_path: None,
            cg_filter: None,
            panels: [Shown::Normal; 6],
            // Live, the last minutes; a replay, the whole log.
            zoom: if source == Source::Live {
                0
            } else {
                ZOOMS.len() - 1
            },
            follow: false,
            selected_pid: None,
            filter: String::new(),
            proc_selected: 0,
            cmdline: None,
            users: HashMap::new(),
            quit: false,
            message: None,
            uptime_s: 0,
        }
    }

    /// The interval at the cursor, as a point (none while a replay's cursor is a time
    /// being read).
    pub fn point(&self) -> Option<&Point> {
        let c = self.cursor?;
        self.index()
            .map(|i| &self.timeline[i])
            .or_else(|| self.first.iter().chain(&self.last).find(|p| p.end_ns == c))
    }

    /// Where the cursor's interval is among the points held.
    fn index(&self) -> Option<usize> {
        let c = self.cursor?;
        let i = self.timeline.partition_point(|p| p.end_ns < c);
        (self.timeline.get(i)?.end_ns == c).then_some(i)
    }

    /// The interval on screen: in full when it is kept or decoded, else what its point
    /// tells (`Snapshot::thin`).
    pub fn current(&self) -> Option<Cow<'_, Snapshot>> {
        let p = self.point()?;
        Some(
            match self.moments.iter().rev().find(|s| s.end_ns() == p.end_ns) {
                Some(s) => Cow::Borrowed(s),
                None => Cow::Owned(Snapshot::thin(p)),
            },
        )
    }

    /// The full intervals up to the one on screen, oldest first (sparklines).
    pub fn recent(&self) -> impl Iterator<Item = &Snapshot> {
        let end = self.point().map_or(i64::MIN, |p| p.end_ns);
        self.moments.iter().filter(move |s| s.end_ns() <= end)
    }

    /// Replay: the length of the newest interval read, as a step of the cursor when the
    /// points around it are not held.
    fn step_ns(&self) -> i64 {
        self.last
            .map_or(1_000_000_000, |p| (f64::from(p.seconds) * 1e9) as i64)
            .max(1)
    }

    /// Replay: what to decode for the cursor, if it is not decoded nor asked for yet.
    pub fn detail_request(&mut self) -> Option<Request> {
        if self.source != Source::Replay {
            return None;
        }
        let at = self.cursor?;
        // Held in full, or without the cgroups the cgroup view shows.
        let held = self
            .moments
            .iter()
            .any(|s| s.end_ns() == at && !(self.cgroup_view && s.cgroups_dropped));
        if self.requested == Some(at) || held {
            return None;
        }
        self.requested = Some(at);
        // From far enough back for the sparklines' history (or, seeking back, for the
        // interval before the time asked).
        let back = self.step_ns().saturating_mul(REPLAY_MOMENTS as i64 + 1);
        Some(Request {
            from_ns: at.saturating_sub(back),
            at_ns: at,
            ahead: REPLAY_AHEAD,
        })
    }

    /// Replay: the intervals read for a request: the points around the cursor, and the
    /// moments up to it in full. A cursor seeking a time lands on the interval there.
    pub fn set_moments(&mut self, m: Moments) {
        let mut snaps = m.snaps;
        self.timeline = m.points;
        if self.requested == Some(m.at_ns) {
            if let Some(snap) = self.seeking.take() {
                match self.land(m.at_ns, snap) {
                    Some(end) => self.cursor = Some(end),
                    None => {
                        self.message = Some("nothing recorded near that time".into());
                        self.cursor = self.last.map(|p| p.end_ns);
                    }
                }
            } else if self.index().is_none() {
                self.message =
                    Some("the detail of this moment could not be read from the log".into());
            }
        }
        // The cgroups of the moment on screen only, and of the last (the first after it,
        // where the cursor goes next): the sparklines need none.
        let last = snaps.len().saturating_sub(1);
        for (i, s) in snaps.iter_mut().enumerate() {
            if i != last && Some(s.point.end_ns) != self.cursor {
                s.drop_cgroups();
            }
        }
        self.moments = snaps.into();
        if self.cgroup_view {
            self.cg_reselect();
        }
    }

    /// Replay: the charts' span to read for the cursor (the zoomed span before it, and
    /// half as much after, so that moving on needs no read at once), if it is not read
    /// nor asked for yet.
    pub fn chart_request(&mut self) -> Option<ChartRequest> {
        let span = ZOOMS[self.zoom.min(ZOOMS.len() - 1)];
        if self.source != Source::Replay || span == 0 {
            return None;
        }
        let (from, to) = self.chart_window()?;
        let covers = |r: Option<(i64, i64)>| r.is_some_and(|r| serves(r, (from, to)));
        if covers(self.chart.as_ref().and_then(|c| c.range())) || covers(self.chart_requested) {
            return None;
        }
        let want = (from, to.saturating_add(span * 500_000_000));
        self.chart_requested = Some(want);
        Some(ChartRequest {
            from_ns: want.0,
            to_ns: want.1,
        })
    }

    /// Replay: a span of the charts read.
    pub fn set_chart(&mut self, s: super::summary::Summary) {
        if s.range() == self.chart_requested {
            self.chart = Some(s);
        }
    }

    /// The charts' time window: the span chosen, ending at the cursor, or the whole log.
    pub fn chart_window(&self) -> Option<(i64, i64)> {
        let whole = match self.source {
            Source::Replay => self.summary.range()?,
            Source::Live => {
                let (a, b) = (self.timeline.first()?, self.timeline.last()?);
                (a.end_ns - (f64::from(a.seconds) * 1e9) as i64, b.end_ns)
            }
        };
        match ZOOMS[self.zoom.min(ZOOMS.len() - 1)] {
            0 => Some(whole),
            s => {
                let end = self.cursor?;
                Some((end - s * 1_000_000_000, end))
            }
        }
    }

    /// The charts' series over `from`..`to` (`Summary::stretches`): a replay's from the
    /// summary of the whole log or the span read (none while it is read), live from the
    /// points held.
    pub fn chart_stretches(
        &self,
        width: usize,
        from: i64,
        to: i64,
    ) -> Option<Vec<Option<super::summary::Stretch>>> {
        if self.source == Source::Replay {
            let whole = ZOOMS[self.zoom.min(ZOOMS.len() - 1)] == 0;
            let s = if whole {
                &self.summary
            } else {
                self.chart
                    .as_ref()
                    .filter(|c| c.range().is_some_and(|r| serves(r, (from, to))))?
            };
            return Some(s.stretches(width, from, to));
        }
        let mut s = super::summary::Summary::over(from, to);
        let i0 = self.timeline.partition_point(|p| p.end_ns <= from);
        for p in &self.timeline[i0.saturating_sub(1)..] {
            if p.end_ns - (f64::from(p.seconds) * 1e9) as i64 >= to {
                break;
            }
            s.push(p);
        }
        Some(s.stretches(width, from, to))
    }

    /// Whether there is a process table to show: always live, and in a replay of logs
    /// recorded with processes.
    pub fn has_procs(&self) -> bool {
        self.source == Source::Live || self.proc_tables > 0
    }

    /// Replay: what to decode for the process table at the cursor, if it is not shown nor
    /// asked for yet: the table on screen stays while the cursor is before the next one.
    pub fn process_request(&mut self) -> Option<ProcRequest> {
        if self.source != Source::Replay || self.proc_tables == 0 || self.seeking.is_some() {
            return None;
        }
        let at = self.cursor?;
        // One table so far: it is the table of every moment after it.
        let every = match self.proc_every_ns {
            0 => i64::MAX / 4,
            e => e,
        };
        if let Some((t, _)) = self.procs_at {
            if t <= at && at - t < every {
                // Back to the table on screen: an answer still coming for another is stale.
                self.procs_requested = Some(at);
                self.procs_pending = false;
                return None;
            }
        }
        if self.procs_requested == Some(at) {
            return None;
        }
        self.procs_requested = Some(at);
        self.procs_pending = true;
        // The store starts a sought read at the process key before: from two tables back,
        // the table at the cursor and the one before it (its %CPU's base) are read.
        Some(ProcRequest {
            at_ns: at,
            seek_ns: (self.proc_every_ns > 0).then(|| at.saturating_sub(every.saturating_mul(3))),
            every_ns: every,
        })
    }

    /// Replay: a process table is being decoded for the cursor.
    pub fn procs_reading(&self) -> bool {
        self.procs_pending
    }

    /// Replay: a table recorded at `wall_ns` (the loader reads them in order).
    pub fn push_proc_time(&mut self, wall_ns: i64) {
        if self.proc_last_ns.is_none_or(|t| t < wall_ns) {
            if let Some(t) = self.proc_last_ns {
                self.proc_every_ns = wall_ns - t;
            }
            self.proc_last_ns = Some(wall_ns);
            self.proc_tables += 1;
        }
    }

    /// Replay: the process table decoded for the moment `asked` (`None`: none recorded
    /// near it).
    pub fn set_processes(&mut self, asked: i64, m: Option<ProcMoment>) {
        if self.procs_requested != Some(asked) {
            return;
        }
        self.procs_pending = false;
        match m {
            Some(m) => {
                self.procs = m.rows;
                self.procs_at = Some((m.wall_ns, m.since_ns));
                self.uptime_s = m.uptime_cs / 100;
                self.recorded_cmdlines = m.cmdlines.into_iter().collect();
                self.reselect();
            }
            None => {
                self.procs.clear();
                self.procs_at = None;
                self.recorded_cmdlines.clear();
            }
        }
    }

    /// `LIVE`, `PAUSED` or `REPLAY`.
    pub fn status(&self) -> &'static str {
        match self.source {
            Source::Live if self.following => "LIVE",
            Source::Live => "PAUSED",
            Source::Replay if self.playing => "PLAYING",
            Source::Replay => "REPLAY",
        }
    }

    pub fn speed(&self) -> f64 {
        SPEEDS[self.speed]
    }

    /// A new interval at the end: a replay's (or a growing log's) goes into the summary
    /// (a replay starts at its first); live, into the points held.
    pub fn push(&mut self, p: Point) {
        if self.source == Source::Replay {
            self.summary.push(&p);
            self.intervals += 1;
            self.first.get_or_insert(p);
            self.last = Some(p);
        } else {
            self.timeline.push(p);
        }
        if self.following || self.cursor.is_none() {
            self.cursor = Some(p.end_ns);
        }
    }

    /// Live: a new interval in full. The oldest points and moments are dropped past
    /// their bounds (a cursor on a point dropped moves to the oldest kept).
    pub fn push_live(&mut self, s: Snapshot) {
        if self.timeline.len() >= LIVE_POINTS {
            let drop = LIVE_POINTS / 24;
            self.timeline.drain(..drop);
            let oldest = self.timeline.first().map(|p| p.end_ns);
            self.cursor = self.cursor.max(oldest);
        }
        self.push(s.point);
        if self.moments.len() >= LIVE_MOMENTS {
            self.moments.pop_front();
        }
        self.moments.push_back(s);
        if let Some(old) = self.moments.iter_mut().rev().nth(LIVE_CGROUP_MOMENTS) {
            old.drop_cgroups();
        }
        if self.cgroup_view {
            self.cg_reselect();
        }
    }

    pub fn restart(&mut self, wall_ns: i64) {
        if self.restarts.last() != Some(&wall_ns) {
            self.restarts.push(wall_ns);
        }
    }

    pub fn set_procs(&mut self, rows: Vec<ProcRow>) {
        // While paused or walking back, the table shows what it showed.
        if self.following {
            self.procs = rows;
            self.reselect();
        }
    }

    /// The user name of `uid` (`ProcessCounters::uid_text` where the name is not known).
    pub fn user(&self, uid: u32) -> String {
        self.users
            .get(&uid)
            .cloned()
            .unwrap_or_else(|| crate::process::ProcessCounters::uid_text(uid))
    }

    /// The processes to show, filtered and sorted. A filter `s:D` (state letters after
    /// `s:`) keeps the processes in those states; any other filter matches names.
    pub fn visible_procs(&self) -> Vec<&ProcRow> {
        let needle = self.filter.to_lowercase();
        let states = self
            .filter
            .strip_prefix("s:")
            .or_else(|| self.filter.strip_prefix("S:"));
        let mut v: Vec<&ProcRow> = self
            .procs
            .iter()
            .filter(|p| match states {
                Some(st) => st.to_uppercase().contains(p.state.to_ascii_uppercase()),
                None => needle.is_empty() || p.comm.to_lowercase().contains(&needle),
            })
            .filter(|p| {
                self.cg_filter
                    .as_deref()
                    .is_none_or(|c| in_cgroup(&p.cgroup, c))
            })
            .collect();
        let col = self.sort.column;
        let desc = self.sort.descending();
        let users = |uid: u32| self.user(uid);
        v.sort_by(|a, b| {
            let o = col.cmp(a, b, &users);
            let o = if desc { o.reverse() } else { o };
            o.then(a.pid.cmp(&b.pid))
        });
        v
    }

    /// Put the selection back on the selected process after the rows changed (re-sorted,
    /// filtered, a new table). Gone: following, it says so and the row stays; else the
    /// row stays and its process is the selected one.
    fn reselect(&mut self) {
        let Some(pid) = self.selected_pid else {
            return;
        };
        let found = self.visible_procs().iter().position(|p| p.pid == pid);
        match found {
            Some(i) => self.proc_selected = i,
            None if self.follow => {
                self.message = Some(format!("process {pid} is not in this table"));
            }
            None => self.selected_pid = self.row_pid(self.proc_selected),
        }
    }

    /// Whether a node of the cgroup tree at `depth` shows its children.
    pub fn cg_open(&self, path: &str, depth: usize) -> bool {
        (depth < self.cg_depth) != self.cg_toggled.contains(path)
    }

    /// The cgroup tree of the moment on screen, as `G` shows it, by path (with whether
    /// the node has children and shows them): empty while the moment is being decoded.
    pub fn cg_paths(&self) -> Vec<(Arc<str>, bool, bool)> {
        let Some(snap) = self.current() else {
            return Vec::new();
        };
        let open = |p: &str, d: usize| self.cg_open(p, d);
        super::cgroups::tree(&snap.cgroups, self.cg_sort, &open)
            .iter()
            .map(|t| (t.row.path.clone(), t.parent, t.open))
            .collect()
    }

    /// Put the cgroup selection back on its cgroup after the tree changed (another
    /// moment, a re-sort); gone, the row stays and its cgroup is the selected one.
    fn cg_reselect(&mut self) {
        let paths = self.cg_paths();
        let found = self
            .cg_selected_path
            .as_ref()
            .and_then(|sel| paths.iter().position(|(p, ..)| p == sel));
        match found {
            Some(i) => self.cg_selected = i,
            None => {
                self.cg_selected = self.cg_selected.min(paths.len().saturating_sub(1));
                self.cg_selected_path = paths.get(self.cg_selected).map(|p| p.0.clone());
            }
        }
    }

    fn select_cgroup(&mut self, by: isize) {
        let paths = self.cg_paths();
        let last = paths.len().saturating_sub(1) as isize;
        self.cg_selected =
            (self.cg_selected.min(last as usize) as isize + by).clamp(0, last) as usize;
        self.cg_selected_path = paths.get(self.cg_selected).map(|p| p.0.clone());
    }

    /// `+` (`open`) or `-`: show or hide the selected cgroup's children.
    fn cg_expand(&mut self, open: bool) {
        let paths = self.cg_paths();
        if let Some((path, parent, is_open)) = paths.get(self.cg_selected) {
            if *parent && *is_open != open && !self.cg_toggled.remove(path) {
                self.cg_toggled.insert(path.clone());
            }
        }
    }

    /// A key of the cgroup view; false when it is not one (the key then does what it
    /// does elsewhere).
    fn cgroup_key(&mut self, k: KeyEvent) -> bool {
        let sort = |app: &mut App, column: CgColumn| {
            app.cg_sort = if app.cg_sort.column == column {
                CgSort {
                    reversed: !app.cg_sort.reversed,
                    ..app.cg_sort
                }
            } else {
                CgSort {
                    column,
                    reversed: false,
                }
            }
        };
        match k.code {
            KeyCode::Up => self.select_cgroup(-1),
            KeyCode::Down => self.select_cgroup(1),
            KeyCode::PageUp => self.select_cgroup(-(PROC_PAGE as isize)),
            KeyCode::PageDown => self.select_cgroup(PROC_PAGE as isize),
            KeyCode::Enter => {
                let Some(path) = self.cg_selected_path.clone() else {
                    return true;
                };
                self.cg_filter = Some(path);
                self.cgroup_view = false;
                self.proc_selected = 0;
                self.selected_pid = None;
            }
            KeyCode::Char('+') | KeyCode::Char('=') => self.cg_expand(true),
            KeyCode::Char('-') => self.cg_expand(false),
            KeyCode::Char('{') => {
                self.cg_depth = self.cg_depth.saturating_sub(1).max(1);
                self.cg_toggled.clear();
            }
            KeyCode::Char('}') => {
                self.cg_depth = (self.cg_depth + 1).min(32);
                self.cg_toggled.clear();
            }
            KeyCode::Char('P') => sort(self, CgColumn::Cpu),
            KeyCode::Char('M') => sort(self, CgColumn::Memory),
            KeyCode::Char('I') => self.cg_sort.reversed = !self.cg_sort.reversed,
            KeyCode::Char(c @ ('<' | '>')) => {
                let all = CgColumn::ALL;
                let here = all
                    .iter()
                    .position(|x| *x == self.cg_sort.column)
                    .unwrap_or(0);
                let by = if c == '<' { all.len() - 1 } else { 1 };
                sort(self, all[(here + by) % all.len()]);
                self.cg_sort.reversed = false;
            }
            _ => return false,
        }
        self.cg_reselect();
        true
    }

    /// The pid on row `i` of the table (or its last row).
    fn row_pid(&self, i: usize) -> Option<u32> {
        let v = self.visible_procs();
        v.get(i.min(v.len().saturating_sub(1))).map(|p| p.pid)
    }

    /// How `p` is shown.
    pub fn shown(&self, p: Panel) -> Shown {
        Panel::ALL
            .iter()
            .position(|x| *x == p)
            .map_or(Shown::Normal, |i| self.panels[i])
    }

    /// The panel given the whole screen, if any.
    pub fn whole(&self) -> Option<Panel> {
        Panel::ALL
            .into_iter()
            .find(|p| self.shown(*p) == Shown::Whole)
    }

    /// A panel's digit: normal, then the whole screen, then collapsed, then normal again.
    fn cycle_panel(&mut self, i: usize) {
        let next = match self.panels[i] {
            Shown::Normal => Shown::Whole,
            Shown::Whole => Shown::Collapsed,
            Shown::Collapsed => Shown::Normal,
        };
        if next == Shown::Whole {
            for s in self.panels.iter_mut().filter(|s| **s == Shown::Whole) {
                *s = Shown::Normal;
            }
        }
        self.panels[i] = next;
    }

    /// Sort by `column`; the same column again reverses the order.
    fn sort_by(&mut self, column: Column) {
        if self.sort.column == column {
            self.sort.reversed = !self.sort.reversed;
        } else {
            self.sort = SortKey::by(column);
        }
    }

    /// `<` `>`: sort by the view's column left or right of the one sorted by.
    fn sort_next(&mut self, by: isize) {
        let cols = self.view.columns();
        let here = cols
            .iter()
            .position(|c| *c == self.sort.column)
            .unwrap_or(0) as isize;
        let to = (here + by).rem_euclid(cols.len() as isize) as usize;
        self.sort = SortKey::by(cols[to]);
    }

    /// The tasks of the process table on screen by state (the filter aside).
    pub fn task_counts(&self) -> crate::report::top::TaskCounts {
        crate::report::top::TaskCounts::of(self.procs.iter().map(|p| p.state))
    }

    /// The pid of the selected process, if any.
    pub fn selected_pid(&self) -> Option<u32> {
        let v = self.visible_procs();
        v.get(self.proc_selected.min(v.len().saturating_sub(1)))
            .map(|p| p.pid)
    }

    fn select_proc(&mut self, by: isize) {
        let n = self.visible_procs().len();
        let to = (self.proc_selected.min(n.saturating_sub(1)) as isize + by)
            .clamp(0, n.saturating_sub(1) as isize);
        self.proc_selected = to as usize;
        self.selected_pid = self.row_pid(self.proc_selected);
    }

    /// Move `by` intervals: among the points held; a replay past them, to a time as far
    /// (at the newest interval's length), found when read.
    fn step(&mut self, by: isize) {
        let Some(c) = self.cursor else { return };
        let live = self.source == Source::Live;
        if let Some(i) = self.index() {
            let to = i as isize + by;
            let last = self.timeline.len() as isize - 1;
            if live || (0..=last).contains(&to) {
                let to = to.clamp(0, last) as usize;
                self.cursor = Some(self.timeline[to].end_ns);
                if live {
                    // Walking back leaves live; stepping past the newest comes back to it.
                    self.following = by > 0 && to as isize == last;
                }
                return;
            }
        }
        if live {
            return;
        }
        let step = self.step_ns();
        let (target, snap) = match by {
            // The interval before ends where this one starts.
            -1 => {
                let start = self
                    .point()
                    .map_or(c - step, |p| p.end_ns - (f64::from(p.seconds) * 1e9) as i64);
                (start + 1_000_000, Snap::AtOrBefore)
            }
            ..0 => (c.saturating_add(by as i64 * step), Snap::AtOrBefore),
            _ => (
                c.saturating_add(by as i64 * step - step / 2),
                Snap::AtOrAfter,
            ),
        };
        self.seek(target, snap);
    }

    /// Replay: put the cursor on the interval at `t` (as `snap` says), the log's first or
    /// newest at once, any other when read.
    pub fn seek(&mut self, t: i64, snap: Snap) {
        let (Some(first), Some(last)) = (self.first, self.last) else {
            return;
        };
        let t = t.clamp(first.end_ns, last.end_ns);
        let held = match (self.timeline.first(), self.timeline.last()) {
            (Some(a), Some(b)) => a.end_ns <= t && t <= b.end_ns,
            _ => false,
        };
        let landed = if t == first.end_ns || t == last.end_ns {
            Some(t)
        } else if held {
            self.land(t, snap)
        } else {
            None
        };
        self.cursor = Some(landed.unwrap_or(t));
        self.seeking = landed.is_none().then_some(snap);
    }

    /// The end of the interval held that a cursor moved to `t` lands on (the nearest the
    /// other way when there is none that way).
    fn land(&self, t: i64, snap: Snap) -> Option<i64> {
        let held = &self.timeline;
        let after = held.iter().find(|p| p.end_ns >= t);
        let before = held.iter().rev().find(|p| p.end_ns <= t);
        match snap {
            Snap::AtOrAfter => after.or(before),
            Snap::AtOrBefore => before.or(after),
        }
        .map(|p| p.end_ns)
    }

    fn go_to_end(&mut self) {
        self.go_to(true);
    }

    fn go_to_start(&mut self) {
        self.go_to(false);
    }

    /// The newest interval (`end`; live, following again) or the first.
    fn go_to(&mut self, end: bool) {
        match self.source {
            Source::Live => {
                let held = &self.timeline;
                let p = if end { held.last() } else { held.first() };
                self.cursor = p.map(|p| p.end_ns);
                self.following = end;
            }
            Source::Replay => {
                let (p, snap) = if end {
                    (self.last, Snap::AtOrBefore)
                } else {
                    (self.first, Snap::AtOrAfter)
                };
                if let Some(p) = p {
                    self.seek(p.end_ns, snap);
                }
            }
        }
    }

    /// Jump to the first interval ending at or after `clock` on the day on screen.
    pub fn jump(&mut self, typed: &str) {
        let clock = match crate::time::parse_clock(typed.trim()) {
            Ok(c) => c,
            Err(e) => {
                self.message = Some(e);
                return;
            }
        };
        let Some(here) = self.cursor else { return };
        let day = crate::time::local_date(here);
        let target = crate::time::local_ns(day, clock);
        let newest = match self.source {
            Source::Live => self.timeline.last(),
            Source::Replay => self.last.as_ref(),
        };
        if newest.is_none_or(|p| p.end_ns < target) {
            self.message = Some(format!("nothing recorded at or after {typed}"));
            return;
        }
        self.message = None;
        match self.source {
            Source::Live => {
                let i = self.timeline.partition_point(|p| p.end_ns < target);
                self.cursor = self.timeline.get(i).map(|p| p.end_ns);
                self.following = i + 1 == self.timeline.len();
            }
            Source::Replay => self.seek(target, Snap::AtOrAfter),
        }
    }

    /// Time passes (every tick): replay plays.
    pub fn tick(&mut self, elapsed: Duration) {
        if self.source == Source::Replay && self.playing {
            self.play_credit += elapsed.as_secs_f64() * self.speed();
            let whole = self.play_credit.floor();
            if whole >= 1.0 {
                self.play_credit -= whole;
                let before = self.cursor;
                self.step(whole as isize);
                if self.cursor == before {
                    self.playing = false;
                }
            }
        }
    }

    /// Replay: the cursor is on the newest interval.
    fn at_end(&self) -> bool {
        self.last.is_some_and(|p| self.cursor == Some(p.end_ns))
    }

    pub fn key(&mut self, k: KeyEvent) {
        if k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char('c') {
            self.quit = true;
            return;
        }
        if let Some(input) = &mut self.input {
            let text = match input {
                Input::Jump(t) | Input::Filter(t) => t,
            };
            match k.code {
                KeyCode::Esc => {
                    if matches!(input, Input::Filter(_)) {
                        self.filter.clear();
                    }
                    self.input = None;
                }
                KeyCode::Enter => {
                    let done = self.input.take();
                    match done {
                        Some(Input::Jump(t)) => self.jump(&t),
                        Some(Input::Filter(t)) => self.filter = t,
                        None => {}
                    }
                    self.reselect();
                }
                KeyCode::Backspace => {
                    text.pop();
                }
                KeyCode::Char(c) => text.push(c),
                _ => {}
            }
            if let Some(Input::Filter(t)) = &self.input {
                self.filter = t.clone();
            }
            return;
        }
        if self.show_help {
            self.show_help = false;
            if !matches!(k.code, KeyCode::Char('q')) {
                return;
            }
        }
        self.message = None;
        if self.cgroup_view && self.cgroup_key(k) {
            return;
        }
        let live = self.source == Source::Live;
        let procs = self.has_procs();
        let shift = k.modifiers.contains(KeyModifiers::SHIFT);
        match k.code {
            KeyCode::Char('q') => self.quit = true,
            KeyCode::Char('?') | KeyCode::Char('h') | KeyCode::F(1) => self.show_help = true,
            KeyCode::Char(' ') => match self.source {
                Source::Live => {
                    self.following = !self.following;
                    if self.following {
                        self.go_to_end();
                    }
                }
                Source::Replay => {
                    if self.at_end() {
                        self.go_to_start();
                    }
                    self.playing = !self.playing;
                }
            },
            // A replay's long steps.
            KeyCode::Left if shift && !live => self.step(-60),
            KeyCode::Right if shift && !live => self.step(60),
            // Live, htop's T sorts by TIME; in a replay T is atop's previous sample.
            KeyCode::Char('T') if live => self.sort_by(Column::Time),
            // As atop: t is the next sample, T the previous one.
            KeyCode::Left | KeyCode::Char('T') => self.step(-1),
            KeyCode::Right | KeyCode::Char('t') => self.step(1),
            // Where there is a process table, Up/Down and PgUp/PgDn scroll it.
            KeyCode::Up if procs => self.select_proc(-1),
            KeyCode::Down if procs => self.select_proc(1),
            KeyCode::PageUp if procs => self.select_proc(-(PROC_PAGE as isize)),
            KeyCode::PageDown if procs => self.select_proc(PROC_PAGE as isize),
            KeyCode::PageUp => self.step(-60),
            KeyCode::PageDown => self.step(60),
            KeyCode::Home => self.go_to_start(),
            KeyCode::End => self.go_to_end(),
            KeyCode::Char('j') => self.input = Some(Input::Jump(String::new())),
            // Only where there is a process table to filter.
            KeyCode::Char('/') if procs => {
                self.input = Some(Input::Filter(self.filter.clone()));
                self.proc_selected = 0;
            }
            KeyCode::Char('[') => self.speed = self.speed.saturating_sub(1),
            KeyCode::Char(']') => self.speed = (self.speed + 1).min(SPEEDS.len() - 1),
            KeyCode::Char('+') | KeyCode::Char('=') if live => {
                self.refresh = (self.refresh * 2).min(Duration::from_secs(60));
            }
            KeyCode::Char('-') if live => {
                self.refresh = (self.refresh / 2).max(Duration::from_millis(250));
            }
            // atop's views, each sorted as atop sorts it.
            KeyCode::Char(c) if View::ALL.iter().any(|v| v.key() == c) => {
                if let Some(v) = View::ALL.into_iter().find(|v| v.key() == c) {
                    self.view = v;
                    self.sort = SortKey::by(v.sort());
                    self.cgroup_view = false;
                }
            }
            // atop 2.11's cgroup view, in the process table's place.
            KeyCode::Char('G') => {
                self.cgroup_view = true;
                self.cg_reselect();
            }
            // Back from a cgroup's processes to the cgroups.
            KeyCode::Esc if self.cg_filter.is_some() => {
                self.cg_filter = None;
                self.cgroup_view = true;
                self.cg_reselect();
            }
            // htop's sorts; the same key again reverses.
            KeyCode::Char('P') => self.sort_by(Column::Cpu),
            KeyCode::Char('M') => self.sort_by(Column::Rss),
            KeyCode::Char('p') => self.sort_by(Column::Pid),
            KeyCode::Char('<') => self.sort_next(-1),
            KeyCode::Char('>') => self.sort_next(1),
            KeyCode::Char('I') => self.sort.reversed = !self.sort.reversed,
            KeyCode::Char('F') if procs => {
                self.follow = !self.follow;
                self.selected_pid = self.row_pid(self.proc_selected);
            }
            KeyCode::Char(d @ '1'..='6') => self.cycle_panel(d as usize - '1' as usize),
            KeyCode::Char('0') => self.panels = [Shown::Normal; 6],
            KeyCode::Char('z') => self.zoom = self.zoom.saturating_sub(1),
            KeyCode::Char('Z') => self.zoom = (self.zoom + 1).min(ZOOMS.len() - 1),
            KeyCode::Esc => self.filter.clear(),
            _ => {}
        }
        if procs {
            self.reselect();
        }
        if self.cgroup_view {
            self.cg_reselect();
        }
    }
}

/// Whether the charts' span read over `read` draws the window `want`: it covers it, and
/// was read for that zoom (a longer span's buckets are too coarse for a shorter one).
fn serves(read: (i64, i64), want: (i64, i64)) -> bool {
    let ((a, b), (from, to)) = (read, want);
    a <= from && b >= to && (b - a) / 2 <= to - from
}

/// Whether a process in cgroup `of` is in `cgroup` or below it.
pub fn in_cgroup(of: &str, cgroup: &str) -> bool {
    cgroup.is_empty()
        || of
            .strip_prefix(cgroup)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The keys, for the help screen and the README.
pub const KEYS: &[(&str, &str)] = &[
    ("q, Ctrl-C", "quit"),
    ("? h F1", "this help (any key closes it)"),
    ("space", "live: pause / resume; replay: play / pause"),
    (
        "← → t T",
        "next / previous interval (t and T as atop, in a replay)",
    ),
    ("⇧← ⇧→", "replay: 60 intervals back / forward"),
    ("Home End", "first / last interval (End returns to live)"),
    ("j", "jump to a time of day (HH:MM[:SS], Enter)"),
    (
        "[ ] / + -",
        "replay slower / faster; live: sample less / more often",
    ),
    (
        "z Z",
        "charts: shorter / longer span (2 min … the whole log)",
    ),
    (
        "1 … 6",
        "panel CPU/mem/disks/net/procs/charts: whole, hidden, back",
    ),
    ("0", "every panel back"),
    (
        "↑ ↓ PgUp PgDn",
        "select a process (its command line shows below the table)",
    ),
    (
        "g m d s c",
        "views: generic memory disk (I/O) scheduling command-line",
    ),
    (
        "G",
        "cgroups as a tree (Enter: its processes; Esc: the tree again)",
    ),
    (
        "+ - { }",
        "cgroups: open / close the selected one; one level less / more",
    ),
    (
        "P M p / T",
        "sort by %CPU / memory / PID; live: T by TIME (again: reverse)",
    ),
    (
        "< > I",
        "sort by the column left / right; reverse the order (G: P M too)",
    ),
    ("F", "follow the selected process as the rows re-sort"),
    (
        "/",
        "filter by name, or s:DZ by state (Enter keeps, Esc clears)",
    ),
];
