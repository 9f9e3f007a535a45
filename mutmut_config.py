"""mutmut's hooks: each mutated module runs only the tests that cover it, and only the functions that matter.

A silent break costs most in the renderers' call arguments, the eval score arithmetic, the schema, the
cache key and the assembly timing; those are the modules below. Run them through
`python benchmarks/mutation_score.py MODULE` (a scratch copy, one module at a time; see the README).
"""

from __future__ import annotations

import ast
import os
import sys
from functools import lru_cache
from pathlib import Path

DATA = "tests/test_mot_training_data.py"
# module -> (test files, pytest -k expression or "", functions to mutate or () for the whole module)
MODULES: dict[str, tuple[tuple[str, ...], str, tuple[str, ...]]] = {
    "pipeline/cache.py": (("tests/test_cache.py",), "", ()),
    # the semantic model takes seconds to load per mutant: the arithmetic is checked without it
    "tools/evaluation/score.py": (("tests/test_eval_score.py",), "not grounding",
                                  ("overall", "per_scene", "shots_were_asked", "clip_durations")),
    # (test_eval_score.py's planned film costs seconds a mutant to import and plan: the values cover every metric)
    "tools/evaluation/structural.py": (("tests/test_eval_structural_values.py",), "", ()),
    # the premise family's box arithmetic and the bench's repeated lines, on scripts written in the tests
    "tools/evaluation/framing.py": (("tests/test_eval_framing_values.py",), "", ()),
    "tools/evaluation/repetition.py": (("tests/test_eval_repetition_values.py",), "", ()),
    "tools/evaluation/metrics.py": (("tests/test_eval_metrics_values.py", "tests/test_eval_structural_values.py"), "", ()),
    # the weight table against the values written in the test; the cast checks on their hand-made casts
    "tools/evaluation/weights.py": (("tests/test_eval_premise.py",), "weight_table", ()),
    "tools/evaluation/cast.py": (("tests/test_eval_premise.py",), "cast_fault or creature or look_is_read", ()),
    "tools/evaluation/plot_cast.py": (("tests/test_eval_premise.py",), "plot", ()),
    "core/schema.py": (("tests/test_schema.py",), "", ()),
    # the pipeline's arguments only, computed without weights; rendering is covered by slower tests
    "models/ltx2_renderer.py": (("tests/test_ltx2_arguments.py",), "", ("call_arguments",)),
    "models/wan_renderer.py": (("tests/test_wan_renderer.py",), "ducked or settings",
                               ("mix", "__post_init__", "settings")),
    # assembly timing: the numbers picture, soundtrack, subtitles and chapters are all cut to
    "tools/editing/assemble.py": (("tests/test_assembly_timing.py",), "",
                                  ("_plan", "_offsets", "_cues", "_chapters", "_concat_list")),
    # issue 23: the numerics of the UniAVGen port, against the reference's golden outputs
    "models/uniavgen/sampling.py": (("tests/test_uniavgen_golden.py", "tests/test_uniavgen_sampling.py"), "", ()),
    "models/uniavgen/interaction.py": (("tests/test_uniavgen_values.py", "tests/test_uniavgen_golden.py"), "", ()),
    "models/uniavgen/face_mask.py": (("tests/test_uniavgen_values.py", "tests/test_uniavgen_golden.py"), "", ()),
    "models/uniavgen/rope.py": (("tests/test_uniavgen_values.py", "tests/test_uniavgen_golden.py"), "", ()),
    "models/uniavgen/layers.py": (("tests/test_uniavgen_values.py", "tests/test_uniavgen_golden.py"), "", ()),
    "models/uniavgen/attention.py": (("tests/test_uniavgen_golden.py",), "", ()),
    "models/uniavgen/char_embedding.py": (("tests/test_uniavgen_values.py", "tests/test_uniavgen_golden.py"), "", ()),
    "models/uniavgen/model.py": (("tests/test_uniavgen_golden.py", "tests/test_uniavgen_model.py"), "", ()),
    # how a shot is cut into calls, and the mel the audio branch reads (the parts' published-layout tests load files)
    "models/uniavgen/plan.py": (("tests/test_uniavgen_plan_values.py", "tests/test_uniavgen_parts.py"),
                                "segment or shot or line or mel or joined", ()),
    "models/uniavgen/mel.py": (("tests/test_uniavgen_mel_values.py", "tests/test_uniavgen_parts.py"),
                               "mel or filter or tone or silence or voice", ()),
    # what a training step learns from (the loop's data order; the rest of the loop is test_mot_training.py's, minutes)
    "models/mot/training/forward.py": (("tests/test_mot_training_steps.py", "tests/test_mot_training_flex.py"), "", ()),
    "models/mot/training/losses.py": (("tests/test_mot_training_steps.py",), "", ()),
    "models/mot/training/stages.py": (("tests/test_mot_training_steps.py",), "", ()),
    "models/mot/training/loop.py": (("tests/test_mot_training_steps.py",), "",
                                    ("_permutation", "next", "position", "seek")),
    # documents into samples and packed sequences: the layout and packing functions (the picture I/O of ImageBank
    # is test_mot_training_data.py's, which plans a film and builds a tiny model: 50 s a mutant under load)
    "models/mot/training/packing.py": (("tests/test_mot_packing_values.py",), "",
                                       ("text", "image", "reference", "interleaved", "script", "keyframes", "_windows",
                                        "_fits", "pack", "length", "used")),
    "models/mot/training/lora.py": (("tests/test_mot_lora_values.py",), "", ()),
    # the documents a run learns from and its config (checkpoint.py and initialise.py are test_mot_training*.py's:
    # a trained tiny model per test, minutes a mutant)
    # (the fast tests named first: -x stops at the first failure, before the planned run the rest build)
    "models/mot/training/documents.py": ((f"{DATA}::test_a_jsonl_document_reads_with_images_relative_to_the_image_folder",
                                          f"{DATA}::test_pictures_may_be_png_jpeg_or_webp_in_any_case",
                                          f"{DATA}::test_a_malformed_jsonl_document_is_refused_in_one_line_naming_file_line_and_field",
                                          f"{DATA}::test_a_repeated_document_id_is_refused", DATA), "not cli", ()),
    "models/mot/training/config.py": (("tests/test_mot_train_config_values.py",
                                       f"{DATA}::test_a_qwen2_start_without_an_autoencoder_is_refused",
                                       f"{DATA}::test_the_example_config_validates"), "", ()),
}


# Module-level typing aliases that only annotations read (the modules have `from __future__ import annotations`,
# and no pydantic model or runtime check uses them): a mutant there cannot change behaviour, yet each costs a
# whole test run as a survivor. They are not run (counted as skipped).
ANNOTATION_ONLY: dict[str, tuple[str, ...]] = {
    "models/mot/training/stages.py": ("Expert", "StepKind"),
    "models/mot/training/packing.py": ("PieceKind", "SampleKind"),
}


def test_command(module: str) -> str:
    tests, select, _ = MODULES[module]
    runner = Path(__file__).with_name("benchmarks") / "mutation_score.py"
    k = f' -k "{select}"' if select else ""
    return f"{sys.executable} {runner} --pytest {' '.join(tests)}{k}"


@lru_cache(maxsize=None)
def _functions_by_line(path: str) -> dict[int, str]:
    """Each source line (0-based) to the name of the innermost function around it."""
    tree = ast.parse(Path(path).read_text())
    owner: dict[int, str] = {}
    nodes = sorted((n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))),
                   key=lambda n: n.lineno)
    for node in nodes:  # later (inner) definitions overwrite the outer ones' lines
        for line in range(node.lineno - 1, node.end_lineno):
            owner[line] = node.name
    return owner


def pre_mutation(context) -> None:
    module = Path(context.filename).as_posix()
    if module not in MODULES:
        context.skip = True
        return
    _, _, functions = MODULES[module]
    if functions and _functions_by_line(context.filename).get(context.current_line_index) not in functions:
        context.skip = True
        return
    if context.current_source_line.startswith(tuple(f"{name} = " for name in ANNOTATION_ONLY.get(module, ()))):
        context.skip = True
        return
    lines = os.environ.get("MUTMUT_LINES")  # "FIRST-LAST", 1-based: a focused re-run of one stretch
    if lines:
        first, last = (int(x) for x in lines.split("-"))
        if not first <= context.current_line_index + 1 <= last:
            context.skip = True
            return
    context.config.test_command = test_command(module)
