//! The cgroup view (`G`, as atop 2.11): the cgroups of the moment on screen as a tree,
//! each level's siblings sorted by a column, a node's children shown or hidden (down to
//! a depth, each node toggled on its own), the derived name beside the path where it
//! says more than the path's last part. Like `views`, it never draws and holds no state:
//! `app` keeps the sort, depth and selection, `ui` draws what `tree` and `fit` give.

use super::model::CgroupRow;
use super::views::{rate, size};
use std::cmp::Ordering;
use std::collections::HashMap;

/// A column of the cgroup view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CgColumn {
    /// The tree: the last part of the path, indented by depth.
    Cgroup,
    /// The name derived from the path (`Workload::display`).
    Name,
    Cpu,
    Memory,
    Read,
    Write,
    Pressure,
    Tasks,
    /// The whole path, where the screen has room for it (sorts as CGROUP).
    Path,
}

impl CgColumn {
    /// In the order shown.
    pub const ALL: [CgColumn; 8] = [
        CgColumn::Cgroup,
        CgColumn::Name,
        CgColumn::Cpu,
        CgColumn::Memory,
        CgColumn::Read,
        CgColumn::Write,
        CgColumn::Pressure,
        CgColumn::Tasks,
    ];

    pub fn header(self) -> &'static str {
        match self {
            CgColumn::Cgroup => "CGROUP",
            CgColumn::Name => "NAME",
            CgColumn::Cpu => "%CPU",
            CgColumn::Memory => "MEM",
            CgColumn::Read => "READ",
            CgColumn::Write => "WRITE",
            CgColumn::Pressure => "PSI%",
            CgColumn::Tasks => "TASKS",
            CgColumn::Path => "PATH",
        }
    }

    /// Characters the column takes (CGROUP and NAME: at least).
    pub fn width(self) -> usize {
        match self {
            CgColumn::Cgroup => 16,
            CgColumn::Name => 12,
            CgColumn::Cpu => 6,
            CgColumn::Memory => 6,
            CgColumn::Read | CgColumn::Write => super::views::RATE_WIDTH,
            CgColumn::Pressure => 5,
            CgColumn::Tasks => 5,
            CgColumn::Path => 20,
        }
    }

    pub fn right(self) -> bool {
        !matches!(self, CgColumn::Cgroup | CgColumn::Name | CgColumn::Path)
    }

    /// Whether sorting by it starts with the largest (all but the names).
    pub fn largest_first(self) -> bool {
        self.right()
    }

    /// The value of `c` in this column (`-` where the cgroup lacks it).
    pub fn text(self, c: &CgroupRow) -> String {
        let opt = |v: Option<f32>, f: &dyn Fn(f32) -> String| v.map_or("-".to_string(), f);
        match self {
            CgColumn::Cgroup => last_part(&c.path).to_string(),
            CgColumn::Name => distinct_name(c).unwrap_or_default().to_string(),
            CgColumn::Cpu => opt(c.cpu_pct, &|v| format!("{v:.1}")),
            CgColumn::Memory => c.memory.map_or("-".into(), |b| size(b / 1024)),
            CgColumn::Read => opt(c.read_kbs, &|v| rate(f64::from(v))),
            CgColumn::Write => opt(c.write_kbs, &|v| rate(f64::from(v))),
            CgColumn::Pressure => opt(c.pressure_pct, &|v| format!("{v:.1}")),
            CgColumn::Tasks => c.tasks.map_or("-".into(), |t| t.to_string()),
            CgColumn::Path => format!("/{}", c.path),
        }
    }

    /// How `a` compares with `b`, smallest first (a missing value below any).
    pub fn cmp(self, a: &CgroupRow, b: &CgroupRow) -> Ordering {
        let f = |x: Option<f32>, y: Option<f32>| x.unwrap_or(-1.0).total_cmp(&y.unwrap_or(-1.0));
        match self {
            CgColumn::Cgroup | CgColumn::Path => a.path.cmp(&b.path),
            CgColumn::Name => distinct_name(a).cmp(&distinct_name(b)),
            CgColumn::Cpu => f(a.cpu_pct, b.cpu_pct),
            CgColumn::Memory => a.memory.cmp(&b.memory),
            CgColumn::Read => f(a.read_kbs, b.read_kbs),
            CgColumn::Write => f(a.write_kbs, b.write_kbs),
            CgColumn::Pressure => f(a.pressure_pct, b.pressure_pct),
            CgColumn::Tasks => a.tasks.cmp(&b.tasks),
        }
    }
}

/// The last part of a path (`/` for the root).
pub fn last_part(path: &str) -> &str {
    match path {
        "" => "/",
        p => p.rsplit('/').next().unwrap_or(p),
    }
}

/// The derived name where it says more than the path's last part (a container's short
/// id, a pod), else `None` (a systemd unit is its own last part).
pub fn distinct_name(c: &CgroupRow) -> Option<&str> {
    c.name.as_deref().filter(|n| *n != last_part(&c.path))
}

/// How the cgroups are ordered: siblings by a column, largest or smallest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CgSort {
    pub column: CgColumn,
    pub reversed: bool,
}

impl CgSort {
    pub fn descending(self) -> bool {
        self.column.largest_first() != self.reversed
    }
}

/// One line of the tree.
#[derive(Debug, Clone, Copy)]
pub struct TreeRow<'a> {
    pub row: &'a CgroupRow,
    /// 1 for the root's children.
    pub depth: usize,
    /// It has children (shown or not).
    pub parent: bool,
    /// Its children are shown.
    pub open: bool,
}

/// The cgroups below the root (which the view's title sums up) as a tree in display
/// order: each node's children after it, siblings by `sort` (then by path), those of a
/// node that is not `open` (given its path and depth) left out. A cgroup whose parent
/// was not recorded hangs from its nearest recorded ancestor.
pub fn tree<'a>(
    rows: &'a [CgroupRow],
    sort: CgSort,
    open: &dyn Fn(&str, usize) -> bool,
) -> Vec<TreeRow<'a>> {
    let at: HashMap<&str, usize> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (&*r.path, i))
        .collect();
    // Children of each row; `None` for the top level.
    let mut children: HashMap<Option<usize>, Vec<usize>> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        if r.path.is_empty() {
            continue;
        }
        let mut up: &str = &r.path;
        let parent = loop {
            match up.rsplit_once('/') {
                Some((p, _)) => {
                    if let Some(&j) = at.get(p) {
                        break Some(j);
                    }
                    up = p;
                }
                None => break None,
            }
        };
        children.entry(parent).or_default().push(i);
    }
    let desc = sort.descending();
    for list in children.values_mut() {
        list.sort_by(|&a, &b| {
            let o = sort.column.cmp(&rows[a], &rows[b]);
            let o = if desc { o.reverse() } else { o };
            o.then_with(|| rows[a].path.cmp(&rows[b].path))
        });
    }
    let mut out = Vec::new();
    let mut stack: Vec<(usize, usize)> = children
        .get(&None)
        .map(|v| v.iter().rev().map(|&i| (i, 1)).collect())
        .unwrap_or_default();
    while let Some((i, depth)) = stack.pop() {
        let kids = children.get(&Some(i));
        let parent = kids.is_some_and(|k| !k.is_empty());
        let is_open = parent && open(&rows[i].path, depth);
        out.push(TreeRow {
            row: &rows[i],
            depth,
            parent,
            open: is_open,
        });
        if is_open {
            if let Some(kids) = kids {
                stack.extend(kids.iter().rev().map(|&k| (k, depth + 1)));
            }
        }
    }
    out
}

/// The columns that fit in `width` (one space between), as (column, width): NAME only
/// where some cgroup has a name of its own, as wide as the longest (`name_need`, 0: no
/// names; 12 to 24 characters); columns left out rather than cut when short, pressure
/// first; the tree takes what is left, or, on a wide screen, what its widest cell needs
/// (`tree_need`) and the whole path the rest.
pub fn fit(width: usize, name_need: usize, tree_need: usize) -> Vec<(CgColumn, usize)> {
    let name_need = if name_need == 0 {
        0
    } else {
        name_need.clamp(CgColumn::Name.width(), 24)
    };
    let mut cols: Vec<CgColumn> = CgColumn::ALL.to_vec();
    if name_need == 0 {
        cols.retain(|c| *c != CgColumn::Name);
    }
    let w = |c: CgColumn| match c {
        CgColumn::Name => name_need,
        c => c.width(),
    };
    let need = |cols: &[CgColumn]| cols.iter().map(|c| w(*c) + 1).sum::<usize>();
    for drop in [CgColumn::Pressure, CgColumn::Name, CgColumn::Write] {
        if need(&cols) <= width + 1 {
            break;
        }
        cols.retain(|c| *c != drop);
    }
    let fixed: usize = cols
        .iter()
        .filter(|c| **c != CgColumn::Cgroup)
        .map(|c| w(*c) + 1)
        .sum();
    let mut tree_w = width.saturating_sub(fixed).max(1);
    let mut path_w = 0;
    // Room for the whole path beside a tree as wide as it needs.
    let tree_need = tree_need.max(CgColumn::Cgroup.width());
    if tree_w > tree_need + CgColumn::Path.width() {
        path_w = tree_w - tree_need - 1;
        tree_w = tree_need;
    }
    let mut out: Vec<(CgColumn, usize)> = cols.iter().map(|&c| (c, w(c))).collect();
    if let Some(t) = out.iter_mut().find(|c| c.0 == CgColumn::Cgroup) {
        t.1 = tree_w;
    }
    if path_w > 0 {
        out.push((CgColumn::Path, path_w));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn row(path: &str, cpu: f32) -> CgroupRow {
        CgroupRow {
            path: Arc::from(path),
            name: crate::cgroup::name::Workload::of(path)
                .display()
                .map(Arc::from),
            cpu_pct: Some(cpu),
            ..CgroupRow::default()
        }
    }

    #[test]
    fn siblings_sort_under_their_parent_and_closed_nodes_hide_their_children() {
        let rows = [
            row("", 150.0),
            row("busy", 99.0),
            row("system.slice", 40.0),
            row("system.slice/a.service", 10.0),
            row("system.slice/b.service", 30.0),
            // Its parent `user.slice` was not recorded: it hangs from the top.
            row("user.slice/user-0.slice", 5.0),
        ];
        let by_cpu = CgSort {
            column: CgColumn::Cpu,
            reversed: false,
        };
        let all = tree(&rows, by_cpu, &|_, _| true);
        let paths: Vec<&str> = all.iter().map(|r| &*r.row.path).collect();
        assert_eq!(
            paths,
            [
                "busy",
                "system.slice",
                "system.slice/b.service",
                "system.slice/a.service",
                "user.slice/user-0.slice"
            ]
        );
        assert_eq!(all[2].depth, 2);
        assert!(all[1].parent && all[1].open && !all[0].parent);
        let top = tree(&rows, by_cpu, &|_, depth| depth < 1);
        assert_eq!(top.len(), 3);
        assert!(top[1].parent && !top[1].open);
        let up = tree(
            &rows,
            CgSort {
                reversed: true,
                ..by_cpu
            },
            &|_, _| true,
        );
        assert_eq!(&*up[0].row.path, "user.slice/user-0.slice");
    }

    #[test]
    fn a_container_shows_its_short_id_beside_its_scope_and_a_unit_no_name() {
        let docker = row(
            "system.slice/docker-3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708.scope",
            1.0,
        );
        assert_eq!(distinct_name(&docker), Some("docker 3f2a1b4c5d6e"));
        assert_eq!(distinct_name(&row("system.slice/nginx.service", 1.0)), None);
        assert_eq!(last_part("a/b"), "b");
        let cols = fit(78, 19, 30);
        assert!(cols.contains(&(CgColumn::Name, 19)), "{cols:?}");
        assert!(!cols.iter().any(|c| c.0 == CgColumn::Pressure), "{cols:?}");
        let used: usize = cols.iter().map(|c| c.1 + 1).sum::<usize>() - 1;
        assert_eq!(used, 78, "{cols:?}");
        assert!(cols.iter().any(|c| c.0 == CgColumn::Cpu));
        assert!(fit(78, 0, 30).iter().any(|c| c.0 == CgColumn::Pressure));
        let wide = fit(198, 0, 30);
        assert!(!wide.iter().any(|c| c.0 == CgColumn::Name));
        assert_eq!(wide[0], (CgColumn::Cgroup, 30));
        let used: usize = wide.iter().map(|c| c.1 + 1).sum::<usize>() - 1;
        assert_eq!(used, 198, "{wide:?}");
        assert_eq!(wide.last().map(|c| c.0), Some(CgColumn::Path));
    }
}
