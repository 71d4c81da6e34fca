__version__ = "0.1.0"


def code_version(root=None) -> dict:
    """The code that built a paper: the package version and, in a git checkout, the commit and
    whether the working tree had uncommitted changes. Never a path, user or host name."""
    import subprocess
    from pathlib import Path

    root = Path(root) if root else Path(__file__).resolve().parent.parent
    out = {"version": __version__, "commit": None, "modified": None}
    try:
        commit = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                                timeout=10, check=True).stdout.strip()
        status = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                                capture_output=True, text=True, timeout=10, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return out
    out["commit"], out["modified"] = commit or None, bool(status.strip())
    return out


def describe(code: dict | None) -> str:
    """'cypp 0.1.0 (commit 4e68fa8c1d2e, with uncommitted changes)'."""
    code = code or {"version": __version__}
    text = f"cypp {code.get('version', __version__)}"
    if code.get("commit"):
        text += f" (commit {code['commit'][:12]}{', with uncommitted changes' if code.get('modified') else ''})"
    return text
