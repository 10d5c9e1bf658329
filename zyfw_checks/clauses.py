"""Verbatim clause quotes of the notice, looked up by id (params/clauses.yaml)."""

from __future__ import annotations

from dataclasses import dataclass

from zyfw_checks.params import load_params


@dataclass(frozen=True)
class Clause:
    id: str
    section: str
    text: str

    def cite(self) -> str:
        """One-line citation used in findings: ``湘民发〔2023〕29号 二（二）①：“…”``."""
        return f"湘民发〔2023〕29号 {self.section}：“{self.text}”"


def all_clauses() -> dict[str, Clause]:
    raw = load_params("clauses")["clauses"]
    return {cid: Clause(cid, v["section"], v["text"]) for cid, v in raw.items()}


def get_clause(cid: str) -> Clause:
    clauses = all_clauses()
    if cid not in clauses:
        raise KeyError(f"未知条款编号：{cid}（请在 params/clauses.yaml 中登记）")
    return clauses[cid]
