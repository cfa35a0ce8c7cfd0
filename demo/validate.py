#!/usr/bin/env python3
"""Check the demo projects against docs/label-schema.md: schemas, tasks, gold answers,
predictions and media. Standard library only. Exit status 1 and one line per problem on failure.

    python3 demo/validate.py
"""

from __future__ import annotations

import json
import os
import re
import struct
import sys
import wave

HERE = os.path.dirname(os.path.abspath(__file__))
NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]{0,63}$")
FIELD_TYPES = {"text", "image", "audio", "video", "list", "json"}
CONTROL_TYPES = {"choices", "spans", "relations", "rectangles", "polygons", "keypoints", "segments",
                 "transcription", "rating", "ranking"}
MAX_BYTES = 8 * 1024 * 1024

errors: list[str] = []


def err(where: str, msg: str) -> None:
    errors.append(f"{where}: {msg}")


# ---------------------------------------------------------------- media probes

def image_size(path: str) -> tuple[int, int]:
    with open(path, "rb") as f:
        head = f.read(26)
        if head[:8] == b"\x89PNG\r\n\x1a\n":
            return struct.unpack(">II", head[16:24])
        if head[:2] == b"\xff\xd8":
            f.seek(2)
            while True:
                marker, = struct.unpack(">H", f.read(2))
                length, = struct.unpack(">H", f.read(2))
                if 0xFFC0 <= marker <= 0xFFCF and marker not in (0xFFC4, 0xFFC8, 0xFFCC):
                    _, h, w = struct.unpack(">BHH", f.read(5))
                    return w, h
                f.seek(length - 2, 1)
    raise ValueError("not a PNG or JPEG")


def audio_duration(path: str) -> float:
    with wave.open(path, "rb") as w:
        return w.getnframes() / w.getframerate()


# ---------------------------------------------------------------- schema

def label_values(where: str, items, key: str) -> list[str]:
    if not isinstance(items, list) or not items:
        err(where, f"{key} must be a non-empty array")
        return []
    values = []
    for i, it in enumerate(items):
        v = it if isinstance(it, str) else it.get("value") if isinstance(it, dict) else None
        if not isinstance(v, str) or not v:
            err(where, f"{key}[{i}] has no value")
            continue
        if isinstance(it, dict):
            extra = set(it) - {"value", "hotkey", "color"}
            if extra:
                err(where, f"{key}[{i}] has unknown keys {sorted(extra)}")
        values.append(v)
    if len(set(values)) != len(values):
        err(where, f"{key} values are not unique")
    return values


def check_schema(where: str, schema: dict) -> tuple[dict, dict]:
    fields, controls = {}, {}
    for f in schema.get("fields", []):
        n = f.get("name")
        if not isinstance(n, str) or not NAME_RE.match(n):
            err(where, f"bad field name {n!r}")
        if n in fields:
            err(where, f"duplicate field {n}")
        if f.get("type") not in FIELD_TYPES:
            err(where, f"field {n} has bad type {f.get('type')!r}")
        fields[n] = f
    if not fields:
        err(where, "schema has no fields")
    for c in schema.get("controls", []):
        n, t = c.get("name"), c.get("type")
        w = f"{where} control {n}"
        if not isinstance(n, str) or not NAME_RE.match(n):
            err(where, f"bad control name {n!r}")
        if n in controls:
            err(where, f"duplicate control {n}")
        if t not in CONTROL_TYPES:
            err(w, f"bad type {t!r}")
            continue
        controls[n] = c

    def need_field(c, types, optional=False):
        f = c.get("field")
        if f is None and optional:
            return
        if f not in fields or fields[f]["type"] not in types:
            err(f"{where} control {c['name']}", f"field {f!r} must name a field of type {sorted(types)}")

    for n, c in controls.items():
        t = c["type"]
        w = f"{where} control {n}"
        if t == "choices":
            need_field(c, FIELD_TYPES, optional=True)
            c["_values"] = label_values(w, c.get("options"), "options")
        elif t == "spans":
            need_field(c, {"text"})
            c["_values"] = label_values(w, c.get("labels"), "labels")
        elif t == "relations":
            target = controls.get(c.get("spans"))
            if target is None or target["type"] != "spans":
                err(w, "spans must name a spans control")
            c["_values"] = label_values(w, c["labels"], "labels") if "labels" in c else None
        elif t in ("rectangles", "polygons", "keypoints"):
            need_field(c, {"image"})
            c["_values"] = label_values(w, c.get("labels"), "labels")
        elif t == "segments":
            need_field(c, {"audio", "video"})
            c["_values"] = label_values(w, c.get("labels"), "labels")
        elif t == "transcription":
            need_field(c, FIELD_TYPES, optional=True)
            ps = c.get("perSegment")
            if ps is not None and (ps not in controls or controls[ps]["type"] != "segments"):
                err(w, "perSegment must name a segments control")
        elif t == "rating":
            mx = c.get("max", 5)
            if not isinstance(mx, int) or not 2 <= mx <= 10:
                err(w, "max must be an integer 2..10")
        elif t == "ranking":
            need_field(c, {"list"})
            if c.get("mode") not in ("rank", "pairwise"):
                err(w, "mode must be rank or pairwise")
    return fields, controls


# ---------------------------------------------------------------- results

def num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def check_result(where: str, result: dict, fields: dict, controls: dict, data: dict, media_info: dict) -> None:
    if not isinstance(result, dict):
        err(where, "result must be an object")
        return
    for n, c in controls.items():
        if c.get("required") and result.get(n) in (None, [], ""):
            err(where, f"required control {n} missing")
    span_ids: dict[str, set] = {}
    seg_ids: dict[str, set] = {}
    for n, v in result.items():
        w = f"{where} /{n}"
        c = controls.get(n)
        if c is None:
            err(w, "names no control")
            continue
        t = c["type"]
        if v is None:
            continue
        if t == "choices":
            if not isinstance(v, list) or len(set(v)) != len(v):
                err(w, "must be an array without duplicates")
                continue
            for o in v:
                if o not in c["_values"]:
                    err(w, f"unknown option {o!r}")
            if not c.get("multiple", False) and len(v) != 1:
                err(w, "a single choice needs exactly one option")
        elif t == "spans":
            text = data.get(c["field"])
            ids = set()
            for i, s in enumerate(v):
                sw = f"{w}/{i}"
                if s.get("label") not in c["_values"]:
                    err(sw, f"unknown label {s.get('label')!r}")
                st, en = s.get("start"), s.get("end")
                # Python str indexes are code points, which is what the contract counts.
                if not (isinstance(st, int) and isinstance(en, int) and 0 <= st < en <= len(text)):
                    err(sw, f"bad offsets {st}..{en} for text of {len(text)} code points")
                elif "text" in s and text[st:en] != s["text"]:
                    err(sw, f"text {s['text']!r} != slice {text[st:en]!r}")
                if s.get("id") in ids:
                    err(sw, "duplicate id")
                ids.add(s.get("id"))
            span_ids[n] = ids
        elif t in ("rectangles", "polygons", "keypoints"):
            size = media_info.get(c["field"])
            for i, r in enumerate(v):
                rw = f"{w}/{i}"
                if r.get("label") not in c["_values"]:
                    err(rw, f"unknown label {r.get('label')!r}")
                pts = []
                if t == "rectangles":
                    if not all(num(r.get(k)) for k in ("x", "y", "width", "height")) or r["width"] <= 0 or r["height"] <= 0:
                        err(rw, "needs x, y and positive width, height")
                        continue
                    pts = [(r["x"], r["y"]), (r["x"] + r["width"], r["y"] + r["height"])]
                elif t == "polygons":
                    pts = [tuple(p) for p in r.get("points", [])]
                    if len(pts) < 3:
                        err(rw, "a polygon needs at least 3 points")
                else:
                    pts = [(r.get("x"), r.get("y"))]
                for x, y in pts:
                    if not (num(x) and num(y)):
                        err(rw, "coordinates must be numbers")
                    elif size and not (0 <= x <= size[0] and 0 <= y <= size[1]):
                        err(rw, f"point ({x}, {y}) outside {size[0]}x{size[1]}")
        elif t == "segments":
            dur = media_info.get(c["field"])
            ids = set()
            for i, g in enumerate(v):
                gw = f"{w}/{i}"
                if g.get("label") not in c["_values"]:
                    err(gw, f"unknown label {g.get('label')!r}")
                if not (num(g.get("start")) and num(g.get("end")) and 0 <= g["start"] < g["end"]):
                    err(gw, "needs 0 <= start < end")
                elif dur is not None and g["end"] > dur:
                    err(gw, f"end {g['end']} past duration {dur:.4f}")
                ids.add(g.get("id"))
            seg_ids[n] = ids
        elif t == "transcription":
            if c.get("perSegment"):
                if not isinstance(v, dict) or not all(isinstance(x, str) for x in v.values()):
                    err(w, "per-segment transcription must map segment ids to strings")
            elif not isinstance(v, str):
                err(w, "must be a string")
        elif t == "rating":
            if not isinstance(v, int) or isinstance(v, bool) or not 1 <= v <= c.get("max", 5):
                err(w, "must be an integer in 1..max")
        elif t == "ranking":
            items = data.get(c["field"], [])
            ids = [it["id"] if isinstance(it, dict) else str(i) for i, it in enumerate(items)]
            if c["mode"] == "rank":
                if sorted(v.get("order", [])) != sorted(ids):
                    err(w, "order must be a permutation of the item ids")
            elif v.get("preferred") not in ("a", "b", "tie"):
                err(w, "preferred must be a, b or tie")
    for n, v in result.items():
        c = controls.get(n)
        if c is None or v is None:
            continue
        if c["type"] == "relations":
            ids = span_ids.get(c["spans"], set())
            for i, r in enumerate(v):
                if r.get("from") not in ids or r.get("to") not in ids:
                    err(f"{where} /{n}/{i}", "relation ends must name span ids in the result")
                if c.get("_values") is not None and "label" in r and r["label"] not in c["_values"]:
                    err(f"{where} /{n}/{i}", f"unknown label {r['label']!r}")
        if c["type"] == "transcription" and c.get("perSegment") and isinstance(v, dict):
            for k in v:
                if k not in seg_ids.get(c["perSegment"], set()):
                    err(f"{where} /{n}/{k}", "names no segment of the result")


# ---------------------------------------------------------------- projects

def check_project(name: str) -> tuple[int, int]:
    root = os.path.join(HERE, name)
    where = name
    project = json.load(open(os.path.join(root, "project.json"), encoding="utf-8"))
    for k in ("name", "name_zh", "instructions", "overlap", "review", "schema"):
        if k not in project:
            err(where, f"project.json lacks {k}")
    if project.get("overlap") not in (1, 2):
        err(where, "overlap must be 1 or 2")
    review = project.get("review", {})
    if review.get("policy") not in ("none", "sample", "all") or not isinstance(review.get("percent"), int):
        err(where, "review needs policy none|sample|all and an integer percent")
    fields, controls = check_schema(where, project.get("schema", {}))

    media_dir = os.path.join(root, "media")
    used_media = set()
    tasks: dict[str, tuple[dict, dict]] = {}
    n_gold = 0
    for ln, line in enumerate(open(os.path.join(root, "tasks.jsonl"), encoding="utf-8"), 1):
        w = f"{name}/tasks.jsonl:{ln}"
        try:
            task = json.loads(line)
        except json.JSONDecodeError as e:
            err(w, f"not JSON: {e}")
            continue
        key, data = task.get("key"), task.get("data")
        if not isinstance(key, str) or not key or key in tasks:
            err(w, f"missing or duplicate key {key!r}")
        if not isinstance(data, dict):
            err(w, "data must be an object")
            continue
        extra = set(task) - {"key", "data", "gold"}
        if extra:
            err(w, f"unknown envelope keys {sorted(extra)}")
        info = {}
        for fname, f in fields.items():
            v = data.get(fname)
            if v is None:
                err(w, f"data lacks field {fname}")
                continue
            if f["type"] == "text" and (not isinstance(v, str) or not v):
                err(w, f"{fname} must be a non-empty string")
            if f["type"] in ("image", "audio", "video"):
                if not isinstance(v, str) or not v.startswith("media:"):
                    err(w, f"{fname} must be a media: reference")
                    continue
                path = os.path.join(media_dir, v[len("media:"):])
                if not os.path.isfile(path):
                    err(w, f"{v} does not exist")
                    continue
                used_media.add(v[len("media:"):])
                info[fname] = image_size(path) if f["type"] == "image" else audio_duration(path) if f["type"] == "audio" else None
            if f["type"] == "list":
                ids = [it.get("id") if isinstance(it, dict) else str(i) for i, it in enumerate(v)]
                if len(set(ids)) != len(ids) or any(isinstance(it, dict) and not isinstance(it.get("text"), str) for it in v):
                    err(w, f"{fname} items need unique ids and text")
        if "gold" in task:
            n_gold += 1
            check_result(f"{w} gold", task["gold"], fields, controls, data, info)
        tasks[key] = (data, info)

    n_pred = 0
    pred_path = os.path.join(root, "predictions.jsonl")
    if os.path.exists(pred_path):
        for ln, line in enumerate(open(pred_path, encoding="utf-8"), 1):
            w = f"{name}/predictions.jsonl:{ln}"
            p = json.loads(line)
            if p.get("key") not in tasks:
                err(w, f"prediction for unknown task {p.get('key')!r}")
                continue
            if not isinstance(p.get("model"), str) or not p["model"]:
                err(w, "model must be a non-empty string")
            data, info = tasks[p["key"]]
            check_result(w, p.get("result"), fields, controls, data, info)
            n_pred += 1

    if os.path.isdir(media_dir):
        for f in sorted(set(os.listdir(media_dir)) - used_media):
            err(name, f"media/{f} is referenced by no task")
    print(f"{name}: {len(tasks)} tasks, {n_gold} gold, {n_pred} predictions, "
          f"{len(used_media)} media files, controls {', '.join(controls)}")
    return len(tasks), n_pred


def main() -> None:
    projects = sorted(d for d in os.listdir(HERE) if os.path.isfile(os.path.join(HERE, d, "project.json")))
    if not projects:
        err("demo", "no projects found")
    for p in projects:
        check_project(p)
    total = sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(HERE) for f in fs)
    print(f"total size {total / 1024 / 1024:.2f} MiB")
    if total > MAX_BYTES:
        err("demo", f"folder is {total} bytes, over 8 MiB")
    for e in errors:
        print("ERROR", e)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
