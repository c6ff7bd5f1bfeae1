//! The machine's rsar settings: `/etc/default/rsar`, the file the collector's systemd unit
//! and cron lines read, so that a report finds the logs where rsadc writes them without
//! `--log-dir` on every call.
//!
//! The file is `KEY=VALUE` lines as systemd's `EnvironmentFile=` and `sh`'s `.` both read
//! them; only the keys rsar needs are looked at. The command line comes first, then the
//! environment, then the file, then the built-in default. This module only reads; it never
//! writes the file nor decides anything but values.

use std::path::PathBuf;

/// The settings file shared with the collector's unit and cron lines.
pub const SETTINGS_FILE: &str = "/etc/default/rsar";
/// An environment variable naming another settings file (tests, or a second installation).
pub const SETTINGS_ENV: &str = "RSAR_SETTINGS";
/// The log directory, in the environment and in the file.
pub const DIR_KEY: &str = "RSAR_DIR";

/// Where the daily logs are: `RSAR_DIR` from the environment, else from the settings file,
/// else `/var/log/rsar`. A settings file that exists but cannot be read is an error (the
/// logs may be elsewhere), naming the file and the ways around it.
pub fn log_dir() -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os(DIR_KEY).filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    let file = std::env::var_os(SETTINGS_ENV)
        .filter(|f| !f.is_empty())
        .map_or_else(|| PathBuf::from(SETTINGS_FILE), PathBuf::from);
    let text = match std::fs::read(&file) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            return Err(format!(
                "cannot read the settings file {} ({e}); give --log-dir DIR or set {DIR_KEY}",
                file.display()
            ))
        }
    };
    Ok(value(&text, DIR_KEY)
        .filter(|d| !d.is_empty())
        .map_or_else(|| PathBuf::from(crate::store::DEFAULT_DIR), PathBuf::from))
}

/// The value `key` is given in `KEY=VALUE` text; the last assignment counts, as when the
/// shell sources the file. `export KEY=…`, quotes and a trailing `# comment` after an
/// unquoted value are understood; nothing is expanded.
pub fn value(text: &str, key: &str) -> Option<String> {
    let mut found = None;
    for line in text.lines() {
        let line = line.trim();
        let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        if k != key {
            continue;
        }
        found = Some(unquote(v));
    }
    found
}

fn unquote(v: &str) -> String {
    for q in ['"', '\''] {
        if let Some(rest) = v.strip_prefix(q) {
            return rest.split(q).next().unwrap_or_default().to_string();
        }
    }
    v.split_whitespace().next().unwrap_or_default().to_string()
}

#[cfg(test)]
mod tests {
    use super::value;

    #[test]
    fn reads_the_forms_sh_and_systemd_both_read() {
        let text = "# Where the daily logs go.\nRSAR_DIR=/var/log/rsar\n\
                    RSAR_INTERVAL=10\n";
        assert_eq!(value(text, "RSAR_DIR").as_deref(), Some("/var/log/rsar"));
        assert_eq!(value(text, "RSAR_RETAIN_DAYS"), None);
        // The last assignment counts, as when sourced.
        let text = "RSAR_DIR=/a\nexport RSAR_DIR=\"/srv/rsar logs\"\n";
        assert_eq!(value(text, "RSAR_DIR").as_deref(), Some("/srv/rsar logs"));
        assert_eq!(value("RSAR_DIR='/x' \n", "RSAR_DIR").as_deref(), Some("/x"));
        assert_eq!(
            value("RSAR_DIR=/y # moved\n", "RSAR_DIR").as_deref(),
            Some("/y")
        );
        // A commented-out line and a longer key are not the setting.
        assert_eq!(value("#RSAR_DIR=/z\nRSAR_DIRS=/w\n", "RSAR_DIR"), None);
    }
}
