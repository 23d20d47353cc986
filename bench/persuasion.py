"""Benchmark: multilingual persuasion techniques (SemEval-2023 T3 subtask 3) and hostile generalisations.

.venv/bin/python bench/persuasion.py  -> bench/results/persuasion.json
  - 5-fold by-article cross-validated micro-F1 per language (de, fr, it, pl, ru) of two baselines
    (per language: char 2-5-gram TF-IDF, one logistic regression per label, threshold 0.5, with and
    without class_weight="balanced") and of
    the shipped model's recipe (training/train_persuasion.py), with their averages;
  - inference speed of the shipped model (paragraphs/s, one process) and its size on disk;
  - precision/recall of the hostile-generalisation rules on the held-out sentences below, which were
    written before the rules (first run: P 1.00, R 0.88; the five misses were three bugs, fixed since).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

HOSTILITY_HELDOUT: list[tuple[str, int, str]] = [
    ("en", 1, "The Kestrians once again showed their deceitful nature."),
    ("en", 1, "Armenians are all liars and cannot be trusted."),
    ("en", 1, "Azerbaijanis have always been treacherous."),
    ("en", 1, "Every Russian is a potential spy."),
    ("en", 1, "Ukrainians are by nature thieves."),
    ("en", 1, "The Jews are to blame for the war."),
    ("en", 1, "Muslims are inherently violent."),
    ("en", 1, "These Georgians never keep their word, it is in their blood."),
    ("en", 1, "Valdorians are vermin who should be driven out."),
    ("en", 1, "As a people, the Turks are cruel and bloodthirsty."),
    ("en", 1, "All Serbs are war criminals."),
    ("en", 1, "Albanians are responsible for every crime in this city."),
    ("en", 1, "The Poles are a nation of drunkards."),
    ("en", 1, "Chechens are savages."),
    ("en", 1, "Christians are hypocrites, every single one of them."),
    ("en", 1, "Kurds are always plotting against us."),
    ("en", 1, "Arabs are terrorists by nature."),
    ("en", 1, "The Germans are collectively guilty for this aggression."),
    ("en", 0, "The Kestrian government lied about the casualties."),
    ("en", 0, "The army shelled the village on Tuesday."),
    ("en", 0, "President Aliyev is a liar."),
    ("en", 0, "Armenian officials denied the report."),
    ("en", 0, "Many Azerbaijanis fled the region after the fighting."),
    ("en", 0, "The Russian defence ministry said its forces had withdrawn."),
    ("en", 0, "Ukrainians celebrated the anniversary of independence."),
    ("en", 0, "Jewish and Muslim leaders met to discuss the refugee crisis."),
    ("en", 0, "The Valdorian foreign minister accused Kestria of provocations."),
    ("en", 0, "Turkish troops crossed the border, according to local sources."),
    ("en", 0, "The separatist militia is responsible for the attack, investigators said."),
    ("en", 0, "Serbian police arrested three suspects."),
    ("en", 0, "Georgians vote on Sunday in a tight parliamentary election."),
    ("en", 0, "The Kremlin always denies involvement."),
    ("en", 0, "Hamas fighters are to blame for the massacre, the report concluded."),
    ("en", 0, "Several Chechen commanders were killed in the strike."),
    ("en", 0, "The regime's propagandists are liars."),
    ("en", 0, "Arab states condemned the decision."),
    ("ru", 1, "Армяне всегда лгут."),
    ("ru", 1, "Все азербайджанцы — предатели."),
    ("ru", 1, "Украинцы по своей природе воры."),
    ("ru", 1, "Русские — это варвары и дикари."),
    ("ru", 1, "Евреи виноваты во всех наших бедах."),
    ("ru", 1, "Мусульмане все до одного террористы."),
    ("ru", 1, "Грузины никогда не держат слово."),
    ("ru", 1, "Поляки всегда ненавидели нас."),
    ("ru", 1, "Чеченцы — прирождённые бандиты."),
    ("ru", 1, "Эти турки все лживые и жестокие."),
    ("ru", 1, "Американцы как народ тупые и жадные."),
    ("ru", 1, "Все немцы фашисты."),
    ("ru", 1, "Цыгане всегда воруют."),
    ("ru", 1, "Литовцы — нация предателей."),
    ("ru", 1, "Каждый армянин — провокатор."),
    ("ru", 0, "Правительство Азербайджана солгало о потерях."),
    ("ru", 0, "Армия обстреляла село во вторник."),
    ("ru", 0, "Президент Х — лжец."),
    ("ru", 0, "Армянские военные заявили об отводе войск."),
    ("ru", 0, "Многие украинцы покинули город после обстрелов."),
    ("ru", 0, "Министерство обороны России опровергло сообщения."),
    ("ru", 0, "Евреи и мусульмане вместе молились о мире."),
    ("ru", 0, "Грузинская полиция задержала трёх подозреваемых."),
    ("ru", 0, "Кремль всегда отрицает свою причастность."),
    ("ru", 0, "Боевики ответственны за теракт, заявили следователи."),
    ("ru", 0, "Польские власти закрыли границу."),
    ("ru", 0, "Чеченские командиры погибли в результате удара."),
    ("ru", 0, "Немецкий канцлер посетил Киев."),
    ("ru", 0, "Турецкие дипломаты прибыли в Баку."),
    ("ru", 0, "Пропагандисты режима — лжецы."),
    ("fr", 1, "Les Valdoriens sont tous des menteurs."),
    ("fr", 1, "Les Arméniens ont toujours trahi leurs voisins."),
    ("fr", 1, "Les musulmans sont violents par nature."),
    ("fr", 0, "Le gouvernement valdorien a menti sur le bilan."),
    ("fr", 0, "L'armée a bombardé le village."),
    ("fr", 0, "Des Arméniens ont manifesté devant l'ambassade."),
    ("de", 1, "Die Russen sind alle Lügner."),
    ("de", 1, "Juden sind immer an allem schuld."),
    ("de", 0, "Die russische Regierung hat gelogen."),
    ("de", 0, "Viele Ukrainer sind nach Polen geflohen."),
    ("tr", 1, "Ermeniler hainlik yapmaya devam ediyor."),
    ("tr", 1, "Ruslar her zaman yalan söyler."),
    ("tr", 0, "Ermenistan hükümeti açıklama yaptı."),
    ("tr", 0, "Ordu köyü bombaladı."),
    ("uk", 1, "Росіяни завжди брешуть."),
    ("uk", 1, "Усі вірмени — зрадники."),
    ("uk", 0, "Уряд Росії збрехав про втрати."),
    ("uk", 0, "Багато українців виїхали за кордон."),
]


def hostility_figures() -> dict:
    from infoscope.analyze.hostility import find_hostile

    def prf(rows: list[tuple[str, int, str]]) -> dict:
        tp = fp = fn = 0
        for lang, y, s in rows:
            p = bool(find_hostile(s, [(0, len(s))], lang))
            tp += p and y
            fp += p and not y
            fn += (not p) and y
        return {
            "sentences": len(rows),
            "positives": sum(r[1] for r in rows),
            "precision": round(tp / max(tp + fp, 1), 3),
            "recall": round(tp / max(tp + fn, 1), 3),
        }

    out = {"all": prf(HOSTILITY_HELDOUT)}
    for lang in ("en", "ru"):
        out[lang] = prf([r for r in HOSTILITY_HELDOUT if r[0] == lang])
    out["other_languages"] = prf([r for r in HOSTILITY_HELDOUT if r[0] not in ("en", "ru")])
    out["first_blind_run"] = {"precision": 1.0, "recall": 0.881, "note": "37/42 found, 0 false positives"}
    out["note"] = (
        "held-out sentences written before the rules; after the first run three bugs were fixed "
        "(strong labels missing from the trait list, '-trians' stop suffix, French lower-case nouns), "
        "so the figures above are no longer blind"
    )
    return out


def baseline(d: dict, fo: np.ndarray, langs: tuple[str, ...], class_weight: str | None = None) -> dict:
    """Per language: char n-gram TF-IDF + one logistic regression per label, threshold 0.5."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    per = {}
    for lang in langs:
        idx = np.where(d["lang"] == lang)[0]
        c = np.zeros(3)
        for f in range(5):
            tr, te = idx[fo[idx] != f], idx[fo[idx] == f]
            v = TfidfVectorizer(
                analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2, dtype=np.float32
            )
            xtr = v.fit_transform([d["texts"][i] for i in tr])
            xte = v.transform([d["texts"][i] for i in te])
            p = np.zeros((len(te), d["Y"].shape[1]), dtype=np.float32)
            for j in range(d["Y"].shape[1]):
                y = d["Y"][tr, j]
                if 0 < y.sum() < len(y):
                    clf = LogisticRegression(solver="liblinear", class_weight=class_weight).fit(xtr, y)
                    p[:, j] = clf.predict_proba(xte)[:, 1] >= 0.5
            yt = d["Y"][te]
            c += [(yt * p).sum(), ((1 - yt) * p).sum(), (yt * (1 - p)).sum()]
        per[lang] = float(2 * c[0] / (2 * c[0] + c[1] + c[2]))
        print("baseline", class_weight, lang, round(per[lang], 3), flush=True)
    return {"per_language": per, "average": float(np.mean(list(per.values())))}


def speed(d: dict) -> dict:
    from infoscope.analyze import persuasion

    t = time.perf_counter()
    persuasion.model()
    load_s = time.perf_counter() - t
    lines = [
        f"{a}\t{line}\t{text}" for a, line, text in zip(d["article"], d["line"], d["texts"], strict=True)
    ][:2000]
    t = time.perf_counter()
    n = sum(1 for _ in persuasion.paragraphs(lines, "de"))
    el = time.perf_counter() - t
    return {"paragraphs": n, "paragraphs_per_s": round(n / el, 1), "model_load_s": round(load_s, 2)}


def main() -> None:
    spec = importlib.util.spec_from_file_location(
        "train_persuasion", ROOT / "training" / "train_persuasion.py"
    )
    tp = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tp)
    t0 = time.time()
    d = tp.load()
    fo = tp.folds(d["article"], d["lang"])
    out = ROOT / "bench" / "results" / "persuasion.json"
    if "--only-baselines" in sys.argv:  # recompute the two baselines into an existing results file
        res = json.loads(out.read_text(encoding="utf-8"))
        res["baseline"] = baseline(d, fo, tp.LANGS, class_weight="balanced")
        res["baseline"]["note"] = "class_weight=balanced, threshold 0.5, per language, no tuning"
        res["baseline_unweighted"] = baseline(d, fo, tp.LANGS)
        res["baseline_command"] = ".venv/bin/python bench/persuasion.py --only-baselines"
        out.write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
        print(json.dumps({k: res[k] for k in ("baseline", "baseline_unweighted")}, indent=1))
        return
    res: dict = {
        "command": ".venv/bin/python bench/persuasion.py",
        "training_command": ".venv/bin/python training/train_persuasion.py",
        "date": dt.date.today().isoformat(),
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "shared": "2 cores, other jobs",
        },
        "data": "../shared/data/semeval2023-persuasion train files; 5-fold by article id per language, seed 0",
        "metric": "micro-F1 over all (paragraph, label) decisions, 23 labels",
    }
    res["hostile_generalization"] = hostility_figures()
    vecs = tp.vectorizers()
    xs = tp.features(d, vecs, fit=True)
    k = tp.kernel(d, xs)
    res["shipped"] = tp.cross_validate(d, k)
    res["shipped"]["recipe"] = tp.CONFIG
    res["shipped"]["note"] = (
        "joint model, thresholds per language from inner 3-fold CV inside each training split; the TF-IDF "
        "vocabulary/IDF (unsupervised) is fitted once on all paragraphs; the TF-IDF kernel weights were picked "
        "among 6 settings on a 2-fold preliminary run with a fixed threshold; earlier, the presence of the USE "
        "blocks was decided on this same 5-fold run (weights 0/1/2 at lambda 3: 0.406, 0.432, 0.427), a mild "
        "optimism; lambda (12, among 1.5/3/6/12/24), then the USE weights (2, among 1/2/3), then the "
        "language-prior weight (3, among 0.3/1/3) were picked in turn on an inner criterion only (the inner "
        "3-fold out-of-fold micro-F1 of each outer training part, averaged), "
        "see training/train_persuasion.py; before these (lambda 3, USE weights 1, language 0.3) the figure "
        "was 0.432"
    )
    print("shipped", res["shipped"]["per_language"], flush=True)
    res["baseline"] = baseline(d, fo, tp.LANGS, class_weight="balanced")
    res["baseline"]["note"] = "class_weight=balanced, threshold 0.5, per language, no tuning"
    res["baseline_unweighted"] = baseline(d, fo, tp.LANGS)
    model_dir = ROOT / "src" / "infoscope" / "models" / "persuasion"
    res["model_size_bytes"] = sum(p.stat().st_size for p in model_dir.iterdir())
    res["speed"] = speed(d)
    res["seconds"] = round(time.time() - t0, 1)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: res[k] for k in ("shipped", "baseline", "speed", "model_size_bytes")}, indent=1))


if __name__ == "__main__":
    main()
