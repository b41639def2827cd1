"""The class-lock rule over project parts (builder.locks): every key belongs to a part, unknown levels fail closed."""
import copy

from builder import locks

LESSON = {"format": "neurocanvas/1", "name": "Lesson", "description": "d",
          "graph": {"nodes": [{"id": "in", "type": "Input", "params": {"shape": [64]}, "pos": [0, 0]},
                              {"id": "fc", "type": "Linear", "params": {"out_features": 10}, "pos": [0, 150]}],
                    "edges": [{"source": "in", "target": "fc"}]},
          "training": {"dataset": "digits", "epochs": 5},
          "variants": [{"id": "wide", "set": {"fc.out_features": 10}}]}


def edited(**change):
    p = copy.deepcopy(LESSON)
    for path, value in change.items():
        *head, last = path.split("__")
        target = p
        for k in head:
            target = target[int(k)] if k.isdigit() else target[k]
        target[int(last) if last.isdigit() else last] = value
    return p


def test_positions_are_layout_and_always_free():
    moved = edited(graph__nodes__1__pos=[300, 300])
    assert locks.changed(LESSON, moved) == {"layout"}
    for level in ("all", "training", "none"):
        assert locks.refused(level, LESSON, moved) == set()


def test_graph_training_and_the_rest_are_their_own_parts():
    assert locks.changed(LESSON, edited(graph__nodes__1__params={"out_features": 3})) == {"graph"}
    assert locks.changed(LESSON, edited(training__epochs=900)) == {"training"}
    assert locks.changed(LESSON, edited(variants=[{"id": "x", "graph": {"nodes": [], "edges": []}}])) == {"project"}
    assert locks.changed(LESSON, edited(anything_added_later=1)) == {"project"}
    assert locks.changed(LESSON, edited(graph__extra_key=1)) == {"graph"}


def test_levels():
    variants = edited(variants=[])
    graph = edited(graph__edges=[])
    training = edited(training__epochs=900)
    assert locks.refused("all", LESSON, graph) == set()
    assert locks.refused("training", LESSON, training) == set()
    assert locks.refused("training", LESSON, graph) == {"graph"}
    assert locks.refused("training", LESSON, variants) == {"project"}
    assert locks.refused("none", LESSON, training) == {"training"}
    assert locks.refused("nonsense", LESSON, training) == {"training"}  # fail closed


def test_held_puts_back_only_what_the_level_fixes():
    p = edited(training__epochs=900, graph__edges=[], variants=[], graph__nodes__0__pos=[9, 9])
    p["added"] = True
    back = locks.held("training", LESSON, p)
    assert back["graph"] == LESSON["graph"] and back["variants"] == LESSON["variants"] and "added" not in back
    assert back["training"]["epochs"] == 900
    assert locks.refused("training", LESSON, back) == set()
    assert locks.refused("none", LESSON, locks.held("none", LESSON, p)) == set()
    kept = locks.held("none", LESSON, edited(graph__nodes__0__pos=[9, 9]))
    assert kept["graph"]["nodes"][0]["pos"] == [9, 9]  # layout is never put back
