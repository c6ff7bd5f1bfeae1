//! Names of cgroups, derived from the path alone: the systemd unit, the container (Docker,
//! Podman, containerd, CRI-O, LXC) and the Kubernetes pod a cgroup belongs to.
//!
//! It is a pure function of the path, so it works offline, on another host's logs, and
//! never asks Docker, containerd or the kubelet anything. What a path cannot say (a
//! container's name, a pod's name and namespace) is not guessed. A cgroup below a
//! container's (its `init.scope`, a `container` leaf) belongs to that container.

use std::fmt;

/// The container runtime a cgroup's path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runtime {
    Docker,
    Podman,
    Containerd,
    CriO,
    Lxc,
}

impl Runtime {
    /// Its name, as in `docker ps` or `crictl`.
    pub fn as_str(self) -> &'static str {
        match self {
            Runtime::Docker => "docker",
            Runtime::Podman => "podman",
            Runtime::Containerd => "containerd",
            Runtime::CriO => "cri-o",
            Runtime::Lxc => "lxc",
        }
    }
}

/// A Kubernetes pod's quality-of-service class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QosClass {
    Guaranteed,
    Burstable,
    BestEffort,
}

impl QosClass {
    /// As `kubectl get pod -o jsonpath='{.status.qosClass}'` prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            QosClass::Guaranteed => "Guaranteed",
            QosClass::Burstable => "Burstable",
            QosClass::BestEffort => "BestEffort",
        }
    }
}

/// A container named by a cgroup's path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Container {
    pub runtime: Runtime,
    /// The id as the path has it: 64 hex digits for Docker, Podman, containerd and CRI-O;
    /// the container's name for LXC.
    pub id: String,
}

impl Container {
    /// The id as `docker ps`, `podman ps` and `crictl ps` show it: its first 12 hex
    /// digits (an LXC name as it is).
    pub fn short_id(&self) -> &str {
        match self.runtime {
            Runtime::Lxc => &self.id,
            _ => self.id.get(..12).unwrap_or(&self.id),
        }
    }
}

/// A Kubernetes pod named by a cgroup's path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pod {
    /// The pod's UID with dashes, as `kubectl get pod -o jsonpath='{.metadata.uid}'`
    /// prints it (the systemd driver writes it with underscores).
    pub uid: String,
    pub qos: QosClass,
}

/// What a cgroup's path says about it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Workload {
    /// The innermost systemd unit (`nginx.service`, `session-3.scope`, `user.slice`).
    pub unit: Option<String>,
    pub container: Option<Container>,
    pub pod: Option<Pod>,
}

impl Workload {
    /// The derived name of the cgroup at `path` (relative to the hierarchy's root, with or
    /// without a leading `/`).
    pub fn of(path: &str) -> Workload {
        let mut w = Workload::default();
        let mut parent: Option<&str> = None;
        let mut in_kubepods = false;
        let mut qos = QosClass::Guaranteed;
        for part in path.split('/').filter(|p| !p.is_empty()) {
            // The cgroupfs drivers' directories: `/kubepods/burstable/pod<uid>/<id>`,
            // `/docker/<id>`, `/libpod_parent/libpod-<id>`, `/lxc/<name>`.
            match (parent, part) {
                (_, "kubepods") => in_kubepods = true,
                (Some("kubepods"), "burstable") => qos = QosClass::Burstable,
                (Some("kubepods"), "besteffort") => qos = QosClass::BestEffort,
                _ => {}
            }
            if let Some(id) = part.strip_prefix("pod").filter(|_| in_kubepods) {
                if is_uid(id) {
                    w.pod = Some(Pod {
                        uid: id.to_string(),
                        qos,
                    });
                }
            } else if let Some(stem) = part.strip_suffix(".slice") {
                w.unit = Some(part.to_string());
                // kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid>.slice
                if stem == "kubepods" {
                    in_kubepods = true;
                } else if let Some(rest) = stem.strip_prefix("kubepods-") {
                    in_kubepods = true;
                    let rest = if let Some(r) = rest.strip_prefix("burstable") {
                        qos = QosClass::Burstable;
                        r
                    } else if let Some(r) = rest.strip_prefix("besteffort") {
                        qos = QosClass::BestEffort;
                        r
                    } else {
                        rest
                    };
                    let rest = rest.strip_prefix('-').unwrap_or(rest);
                    if let Some(uid) = rest.strip_prefix("pod") {
                        let uid = uid.replace('_', "-");
                        if is_uid(&uid) {
                            w.pod = Some(Pod { uid, qos });
                        }
                    }
                }
            } else if part.ends_with(".service") || part.ends_with(".scope") {
                w.unit = Some(part.to_string());
                if let Some(c) = scope_container(part) {
                    w.container = Some(c);
                }
            } else if let Some(c) = cgroupfs_container(parent, part, in_kubepods) {
                w.container = Some(c);
            }
            parent = Some(part);
        }
        w
    }

    /// A short name for tables: the container (with its pod's UID in Kubernetes), else
    /// the unit, else `None` (show the path).
    pub fn display(&self) -> Option<String> {
        match (&self.pod, &self.container) {
            (Some(p), Some(c)) => Some(format!("pod {} {}", p.uid, c.short_id())),
            (Some(p), None) => Some(format!("pod {}", p.uid)),
            (None, Some(c)) => Some(format!("{} {}", c.runtime.as_str(), c.short_id())),
            (None, None) => self.unit.clone(),
        }
    }
}

impl fmt::Display for Workload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.display().as_deref().unwrap_or(""))
    }
}

/// A container's systemd scope: `docker-<id>.scope`, `libpod-<id>.scope`,
/// `cri-containerd-<id>.scope`, `crio-<id>.scope`. A runtime's monitor beside the
/// container (`libpod-conmon-<id>.scope`, `crio-conmon-<id>.scope`) is not the container.
fn scope_container(unit: &str) -> Option<Container> {
    let stem = unit.strip_suffix(".scope")?;
    let (runtime, id) = [
        ("docker-", Runtime::Docker),
        ("libpod-", Runtime::Podman),
        ("cri-containerd-", Runtime::Containerd),
        ("crio-", Runtime::CriO),
    ]
    .into_iter()
    .find_map(|(prefix, r)| Some((r, stem.strip_prefix(prefix)?)))?;
    is_container_id(id).then(|| Container {
        runtime,
        id: id.to_string(),
    })
}

/// A container's directory under the cgroupfs drivers: `/docker/<id>`,
/// `/libpod_parent/libpod-<id>`, `/kubepods/…/pod<uid>/<id>` (the runtime is not in the
/// path there: Kubernetes' containers are named for containerd, the usual runtime, unless
/// the path says otherwise), and LXC's `lxc.payload.<name>` or `/lxc/<name>`.
fn cgroupfs_container(parent: Option<&str>, part: &str, in_kubepods: bool) -> Option<Container> {
    let id = |runtime, id: &str| {
        is_container_id(id).then(|| Container {
            runtime,
            id: id.to_string(),
        })
    };
    if let Some(name) = part.strip_prefix("lxc.payload.") {
        return Some(Container {
            runtime: Runtime::Lxc,
            id: name.to_string(),
        });
    }
    match parent {
        Some("docker") => id(Runtime::Docker, part),
        Some("libpod_parent") => id(Runtime::Podman, part.strip_prefix("libpod-")?),
        Some("lxc") => Some(Container {
            runtime: Runtime::Lxc,
            id: part.to_string(),
        }),
        Some(p) if in_kubepods && p.starts_with("pod") => {
            let (runtime, rest) = if let Some(r) = part.strip_prefix("crio-") {
                (Runtime::CriO, r)
            } else if let Some(r) = part.strip_prefix("docker-") {
                (Runtime::Docker, r)
            } else {
                (Runtime::Containerd, part)
            };
            id(runtime, rest)
        }
        _ => None,
    }
}

/// 64 lowercase hex digits: the ids Docker, Podman, containerd and CRI-O give.
fn is_container_id(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// A UUID with dashes (8-4-4-4-12 hex digits), as Kubernetes gives pods; static pods'
/// UIDs are 32 hex digits without dashes (a hash of the manifest).
fn is_uid(s: &str) -> bool {
    let hex = |p: &str| p.bytes().all(|b| b.is_ascii_hexdigit());
    let parts: Vec<&str> = s.split('-').collect();
    let lens: Vec<usize> = parts.iter().map(|p| p.len()).collect();
    (lens == [8, 4, 4, 4, 12] || lens == [32]) && parts.iter().all(|p| hex(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "3f4e5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7081";
    const UID: &str = "0b1e2c3d-4a5b-6c7d-8e9f-a0b1c2d3e4f5";

    fn of(path: &str) -> Workload {
        Workload::of(path)
    }

    fn container(runtime: Runtime) -> Option<Container> {
        Some(Container {
            runtime,
            id: ID.to_string(),
        })
    }

    /// `w` is the test container, run by containerd, in the test pod of QoS class
    /// burstable.
    fn is_the_burstable_pods_container(w: &Workload) {
        let pod = Pod {
            uid: UID.into(),
            qos: QosClass::Burstable,
        };
        assert_eq!(w.pod, Some(pod));
        assert_eq!(w.container, container(Runtime::Containerd));
    }

    /// Each of `paths` is the test container of `runtime`, shown as `display`.
    fn each_is_the_container(paths: &[String], runtime: Runtime, display: &str) {
        for path in paths {
            let w = of(path);
            assert_eq!(w.container, container(runtime), "{path}");
            assert_eq!(w.display().as_deref(), Some(display), "{path}");
        }
    }

    #[test]
    fn systemd_units_and_slices_are_their_leaf() {
        let w = of("system.slice/nginx.service");
        assert_eq!(w.unit.as_deref(), Some("nginx.service"));
        assert_eq!(w.display().as_deref(), Some("nginx.service"));
        assert_eq!((w.container, w.pod), (None, None));
        let w = of("/user.slice/user-1000.slice/session-3.scope");
        assert_eq!(w.display().as_deref(), Some("session-3.scope"));
        assert_eq!(
            of("system.slice").display().as_deref(),
            Some("system.slice")
        );
        assert_eq!(
            of("user.slice/user-1000.slice/user@1000.service/app.slice/dbus.service").unit,
            Some("dbus.service".into())
        );
        assert_eq!(of("").display(), None);
        assert_eq!(of("process_api/abc").display(), None);
    }

    #[test]
    fn docker_with_the_systemd_and_the_cgroupfs_driver() {
        each_is_the_container(
            &[
                format!("system.slice/docker-{ID}.scope"),
                format!("/docker/{ID}"),
            ],
            Runtime::Docker,
            "docker 3f4e5a6b7c8d",
        );
        // Below the container: still the container.
        let w = of(&format!("system.slice/docker-{ID}.scope/init.scope"));
        assert_eq!(w.container, container(Runtime::Docker));
        assert_eq!(w.unit.as_deref(), Some("init.scope"));
        // The daemon itself is a unit, not a container; a short or odd id is no container.
        assert_eq!(of("system.slice/docker.service").container, None);
        assert_eq!(of("system.slice/docker-3f4e5a.scope").container, None);
        assert_eq!(of("docker/notacontainer").container, None);
    }

    #[test]
    fn podman_rootful_rootless_and_cgroupfs() {
        each_is_the_container(
            &[
                format!("machine.slice/libpod-{ID}.scope"),
                format!("machine.slice/libpod-{ID}.scope/container"),
                format!(
                    "user.slice/user-1000.slice/user@1000.service/user.slice/libpod-{ID}.scope"
                ),
                format!("libpod_parent/libpod-{ID}"),
            ],
            Runtime::Podman,
            "podman 3f4e5a6b7c8d",
        );
        // conmon, the monitor beside the container, is not it.
        assert_eq!(
            of(&format!("machine.slice/libpod-conmon-{ID}.scope")).container,
            None
        );
    }

    #[test]
    fn kubernetes_with_the_systemd_driver() {
        let underscored = UID.replace('-', "_");
        let w = of(&format!(
            "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod{underscored}.slice/cri-containerd-{ID}.scope"
        ));
        is_the_burstable_pods_container(&w);
        assert_eq!(
            w.display(),
            Some(format!("pod {UID} 3f4e5a6b7c8d")),
            "pod UID and short id"
        );
        let w = of(&format!(
            "kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod{underscored}.slice/crio-{ID}.scope"
        ));
        assert_eq!(w.pod.as_ref().map(|p| p.qos), Some(QosClass::BestEffort));
        assert_eq!(w.container, container(Runtime::CriO));
        // Guaranteed pods sit right under kubepods.slice.
        let w = of(&format!(
            "kubepods.slice/kubepods-pod{underscored}.slice/cri-containerd-{ID}.scope"
        ));
        assert_eq!(w.pod.as_ref().map(|p| p.qos), Some(QosClass::Guaranteed));
        // The pod's own cgroup, and the QoS slice (no pod).
        let w = of(&format!(
            "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod{underscored}.slice"
        ));
        assert_eq!(w.display(), Some(format!("pod {UID}")));
        let w = of("kubepods.slice/kubepods-burstable.slice");
        assert_eq!((w.pod, w.container), (None, None));
        assert_eq!(w.unit.as_deref(), Some("kubepods-burstable.slice"));
        // CRI-O's monitor.
        let w = of(&format!(
            "kubepods.slice/kubepods-pod{underscored}.slice/crio-conmon-{ID}.scope"
        ));
        assert_eq!(w.container, None);
        assert!(w.pod.is_some());
    }

    #[test]
    fn kubernetes_with_the_cgroupfs_driver() {
        let w = of(&format!("/kubepods/burstable/pod{UID}/{ID}"));
        is_the_burstable_pods_container(&w);
        let w = of(&format!("kubepods/besteffort/pod{UID}/crio-{ID}"));
        assert_eq!(w.pod.as_ref().map(|p| p.qos), Some(QosClass::BestEffort));
        assert_eq!(w.container, container(Runtime::CriO));
        let w = of(&format!("kubepods/pod{UID}/{ID}"));
        assert_eq!(w.pod.as_ref().map(|p| p.qos), Some(QosClass::Guaranteed));
        // A static pod's UID is a hash without dashes.
        let w = of("kubepods/burstable/pod6e7b7c3d1f0a4b2c8d9e0f1a2b3c4d5e");
        assert_eq!(
            w.pod.map(|p| p.uid).as_deref(),
            Some("6e7b7c3d1f0a4b2c8d9e0f1a2b3c4d5e")
        );
        // "pod" outside kubepods is just a name.
        assert_eq!(of(&format!("pods/pod{UID}")).pod, None);
    }

    #[test]
    fn lxc_containers_by_name() {
        let w = of("lxc.payload.web1");
        assert_eq!(
            w.container,
            Some(Container {
                runtime: Runtime::Lxc,
                id: "web1".into()
            })
        );
        assert_eq!(w.display().as_deref(), Some("lxc web1"));
        assert_eq!(of("lxc/db").container.map(|c| c.id).as_deref(), Some("db"));
    }
}
