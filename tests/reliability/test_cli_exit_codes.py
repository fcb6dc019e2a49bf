"""Exit codes and messages: 0 when every input was processed or rejected, 2 with advice otherwise."""

import json
import os
from pathlib import Path

import pytest

from corpusclean.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse usage errors
        code = int(exc.code or 0)
    return code, capsys.readouterr().err


@pytest.fixture
def inp(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    (d / "good.txt").write_text("A perfectly ordinary page of text.\n")
    (d / "empty.txt").write_bytes(b"")
    (d / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(300))
    (d / "bad.jsonl").write_bytes(b'{"text": "ok"}\nnot json\n')
    return d


def test_rejects_do_not_fail_the_run(capsys: pytest.CaptureFixture[str], inp: Path, tmp_path: Path) -> None:
    code, err = run(capsys, "clean", str(inp), "-o", str(tmp_path / "out"), "-q")
    assert code == 0, err
    rejects = [json.loads(ln) for ln in (tmp_path / "out" / "rejects.jsonl").read_text().splitlines()]
    assert sorted(r["reason"] for r in rejects) == ["decode.binary", "jsonl.bad_json", "read.empty"]
    assert all(r["source"] and r["message"] for r in rejects)


@pytest.mark.parametrize(
    ("args", "advice"),
    [
        (["clean", "{missing}", "-o", "{out}"], "does not exist"),
        (["clean", "{inp}", "-o", "{inp}/out"], "outside the input"),
        (["clean", "{inp}", "-o", "{file}"], "not a directory"),
        (["clean", "{inp}", "-o", "{out}", "--max-bytes", "0"], "at least 1"),
        (["clean", "{inp}", "-o", "{out}", "--max-bytes", "lots"], "at least 1"),
        (["clean", "{inp}", "-o", "{out}", "--time-budget", "-3"], "seconds"),
        (["clean", "{inp}", "-o", "{out}", "--config", "{missing}"], "cannot read the configuration"),
        (["clean", "{inp}"], "required"),
        (["explain", "{missing}"], "does not exist"),
        (["explain", "{file}", "--context", "{inp}"], "not inside the context"),
        (["no-such-command"], "invalid choice"),
    ],
)
def test_usage_errors_exit_2_with_advice(
    capsys: pytest.CaptureFixture[str], inp: Path, tmp_path: Path, args: list[str], advice: str
) -> None:
    (tmp_path / "a-file").write_text("x")
    fill = {"inp": str(inp), "out": str(tmp_path / "out"), "missing": str(tmp_path / "missing"),
            "file": str(tmp_path / "a-file")}
    code, err = run(capsys, *(a.format(**fill) for a in args))
    assert code == 2
    assert advice in err


def test_existing_output_needs_overwrite(capsys: pytest.CaptureFixture[str], inp: Path, tmp_path: Path) -> None:
    out = str(tmp_path / "out")
    assert run(capsys, "clean", str(inp), "-o", out, "-q")[0] == 0
    code, err = run(capsys, "clean", str(inp), "-o", out, "-q")
    assert code == 2 and "--overwrite" in err
    assert run(capsys, "clean", str(inp), "-o", out, "-q", "--overwrite")[0] == 0


def test_output_symlink_pointing_elsewhere_is_not_written_through(
    capsys: pytest.CaptureFixture[str], inp: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (out / "documents.jsonl").symlink_to(victim)
    for extra in ([], ["--overwrite"]):
        code, err = run(capsys, "clean", str(inp), "-o", str(out), "-q", *extra)
        assert code == 2 and "symbolic link" in err
    assert victim.read_text() == "precious"


def test_dangling_output_symlink_counts_as_existing_output(
    capsys: pytest.CaptureFixture[str], inp: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "stats.json").symlink_to(tmp_path / "would-be-created.json")
    code, err = run(capsys, "clean", str(inp), "-o", str(out), "-q")
    assert code == 2 and "symbolic link" in err
    assert not (tmp_path / "would-be-created.json").exists()


def test_output_dir_symlinked_into_the_input_is_refused(
    capsys: pytest.CaptureFixture[str], inp: Path, tmp_path: Path
) -> None:
    (tmp_path / "sneaky").symlink_to(inp / "sub", target_is_directory=True)
    (inp / "sub").mkdir()
    code, err = run(capsys, "clean", str(inp), "-o", str(tmp_path / "sneaky"), "-q")
    assert code == 2 and "inside the input" in err


def test_write_failure_mid_run_exits_2_and_keeps_earlier_output(
    capsys: pytest.CaptureFixture[str], inp: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    assert run(capsys, "clean", str(inp), "-o", str(out), "-q")[0] == 0
    before = (out / "documents.jsonl").read_bytes()
    from corpusclean.executors import tasks

    def disk_full(_record: object) -> bytes:
        raise OSError(28, "No space left on device", str(out / "documents.jsonl"))

    monkeypatch.setattr(tasks, "dumps_line", disk_full)
    code, err = run(capsys, "clean", str(inp), "-o", str(out), "-q", "--overwrite", "--workers", "1")
    assert code == 2
    assert "No space left on device" in err and "free space" in err
    assert (out / "documents.jsonl").read_bytes() == before
    assert not [p for p in os.listdir(out) if p.endswith(".tmp")]


def test_explain_shows_rejects_and_exits_0(capsys: pytest.CaptureFixture[str], inp: Path) -> None:
    assert main(["explain", str(inp / "bad.jsonl")]) == 0
    out = capsys.readouterr().out
    assert "# rejected bad.jsonl line 2: jsonl.bad_json" in out


def test_interrupt_exits_130(
    capsys: pytest.CaptureFixture[str], inp: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from corpusclean import cli

    def interrupted(*_a: object, **_k: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "clean_directory", interrupted)
    code, err = run(capsys, "clean", str(inp), "-o", str(tmp_path / "out"), "-q")
    assert code == 130 and "interrupted" in err
