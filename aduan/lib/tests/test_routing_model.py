import numpy as np
import pytest

from aduan.lib.routing import Prediction, RoutingModel
from aduan.lib.tests import routing_corpus


@pytest.fixture(scope="module")
def split():
    complaints = routing_corpus.generate(3000, seed=11)
    return routing_corpus.split_by_date(complaints, routing_corpus.LATE_FROM)


@pytest.fixture(scope="module")
def model(split):
    train, _ = split
    return RoutingModel().fit([c.text for c in train], [c.agency for c in train])


@pytest.fixture(scope="module")
def test_predictions(model, split):
    _, test = split
    labels, confidences = model.predict_many([c.text for c in test])
    correct = np.array(labels) == np.array([c.agency for c in test])
    return correct, confidences


def test_learns_agencies_from_older_complaints(model, split, test_predictions):
    train, _test = split
    correct, _ = test_predictions
    assert model.classes_ == sorted({c.agency for c in train})
    assert model.n_train == len(train)
    # Observed 0.88-0.90 over corpus seeds (4% of labels are deliberately wrong and 5% of
    # complaints name no topic at all); the floor leaves a margin.
    assert correct.mean() >= 0.85


def test_confidence_is_calibrated(test_predictions):
    correct, confidences = test_predictions
    assert ((confidences > 0) & (confidences <= 1)).all()
    high = confidences >= np.quantile(confidences, 0.5)
    low = confidences < np.quantile(confidences, 0.2)
    # Observed 0.95 against 0.63.
    assert correct[high].mean() > correct[low].mean() + 0.15
    # Calibrated on average: the mean confidence is close to the accuracy actually reached.
    assert abs(confidences.mean() - correct.mean()) < 0.06


def test_predict_returns_top_k_in_order(model):
    predictions = model.predict("air pdam mati sudah tiga hari, tolong", top_k=3)
    assert len(predictions) == 3
    assert all(isinstance(p, Prediction) for p in predictions)
    assert predictions[0].label == "Perumda Air Minum"
    confidences = [p.confidence for p in predictions]
    assert confidences == sorted(confidences, reverse=True)
    assert len({p.label for p in predictions}) == 3
    assert sum(p.confidence for p in model.predict("air mati", top_k=100)) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("text", "agency"),
    [
        ("lampu pju di jl veteran mati sdh seminggu, gelap bgt", "Disperkim"),
        ("SAMPAH NUMPUK DI TPS GAK DIANGKUT2 BAU BGT", "DLH"),
        ("ektp sy blm jadi padahal udh rekam", "Dispendukcapil"),
        ("jukir minta parkir 5rb, ga dikasih karcis", "Dishub"),
        ("dalane rusak pol, akeh lubang", "Dinas PUPR"),
    ],
)
def test_understands_informal_text(model, text, agency):
    assert model.predict(text)[0].label == agency


def test_explain_names_words_of_the_complaint(model):
    text = "Lampu PJU di jln Veteran mati sdh seminggu, gelap dan rawan begal. tlg min 🙏"
    words = model.explain(text, "Disperkim", n=5)
    assert 1 <= len(words) <= 5
    joined = " ".join(words)
    assert "pju" in joined or "lampu" in joined
    normalized = {
        "lampu",
        "pju",
        "di",
        "jalan",
        "veteran",
        "mati",
        "sudah",
        "seminggu",
        "gelap",
        "dan",
        "rawan",
        "begal",
    }
    for phrase in words:
        # Whole words of the complaint, never character fragments.
        assert set(phrase.split()) <= normalized, phrase
    assert "di" not in words


def test_explain_differs_by_label(model):
    text = "sampah menumpuk di selokan sampai banjir kalau hujan"
    assert model.explain(text, "DLH", n=2) != model.explain(text, "Dinas SDA", n=2)
    assert model.explain(text, "no such agency") == []


def test_round_trip_through_bytes_predicts_identically(model, split):
    _, test = split
    texts = [c.text for c in test[:300]]
    data = model.to_bytes()
    assert isinstance(data, bytes)
    again = RoutingModel.from_bytes(data)
    labels, confidences = model.predict_many(texts)
    labels2, confidences2 = again.predict_many(texts)
    assert labels == labels2
    assert np.array_equal(confidences, confidences2)
    assert again.explain(texts[0], labels[0]) == model.explain(texts[0], labels[0])
    assert again.metadata == model.metadata
    assert again.metadata["n_train"] == model.n_train


def test_from_bytes_accepts_a_memoryview(model):
    # PostgreSQL's BinaryField hands back a memoryview, not bytes.
    again = RoutingModel.from_bytes(memoryview(model.to_bytes()))
    assert again.classes_ == model.classes_


def test_from_bytes_rejects_garbage():
    with pytest.raises(ValueError):
        RoutingModel.from_bytes(b"not a model")


def test_metadata(model):
    meta = model.metadata
    assert meta["pipeline"] == model.selection["chosen"]
    assert meta["trained_at"].endswith("+00:00")
    assert sum(meta["label_counts"].values()) == model.n_train
    assert meta["temperature"] > 0


def test_extras_become_features():
    texts = ["mohon segera ditangani"] * 20
    labels = ["DLH"] * 10 + ["Dinas PUPR"] * 10
    extras = [{"category": "Sampah"}] * 10 + [{"category": "Jalan Rusak"}] * 10
    model = RoutingModel().fit(texts, labels, extras)
    assert model.predict("mohon segera ditangani", {"category": "Sampah"})[0].label == "DLH"
    assert (
        model.predict("mohon segera ditangani", {"category": "Jalan Rusak"})[0].label
        == "Dinas PUPR"
    )
    assert (
        model.explain("mohon ditangani", "DLH", extra={"category": "Sampah"})[0]
        == "category: sampah"
    )
    # A model trained with extras still predicts without them.
    assert model.predict_many(["mohon"])[0][0] in {"DLH", "Dinas PUPR"}


def test_a_single_class_is_always_predicted():
    model = RoutingModel().fit(["air mati", "pipa bocor"], ["PDAM", "PDAM"])
    assert model.predict("apa saja") == [Prediction("PDAM", 1.0)]
    assert RoutingModel.from_bytes(model.to_bytes()).predict("x")[0].label == "PDAM"


def test_a_class_with_one_example_does_not_break_training():
    texts = ["sampah menumpuk"] * 8 + ["jalan berlubang"] * 8 + ["sarang tawon di atap"]
    labels = ["DLH"] * 8 + ["Dinas PUPR"] * 8 + ["Damkar"]
    model = RoutingModel().fit(texts, labels)
    assert model.classes_ == ["DLH", "Damkar", "Dinas PUPR"]
    assert model.predict("sampah")[0].label == "DLH"
    assert model.predict("sarang tawon")[0].label == "Damkar"


def test_texts_without_any_word_do_not_break_training():
    model = RoutingModel().fit(["😡😡", "!!!", "🙏"], ["a", "b", "a"])
    predictions = model.predict("")
    assert {p.label for p in predictions} == {"a", "b"}
    assert sum(p.confidence for p in predictions) == pytest.approx(1.0)


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        RoutingModel().fit([], [])
    with pytest.raises(ValueError):
        RoutingModel().fit(["a"], ["x", "y"])
    with pytest.raises(TypeError):
        RoutingModel(no_such_parameter=1)
    with pytest.raises(RuntimeError):
        RoutingModel().predict("belum dilatih")


def test_a_second_model_learns_the_category(split):
    train, test = split
    texts = [c.text for c in train]
    categories = [c.category for c in train]
    plain = RoutingModel().fit(texts, categories)
    # The agency a moderator already chose is a strong hint for the category.
    hinted = RoutingModel().fit(texts, categories, [{"agency": c.agency} for c in train])
    expected = np.array([c.category for c in test])
    labels, _ = plain.predict_many([c.text for c in test])
    hinted_labels, _ = hinted.predict_many(
        [c.text for c in test], [{"agency": c.agency} for c in test]
    )
    # Observed 0.85 and 0.91 over 20 categories.
    assert (np.array(labels) == expected).mean() >= 0.78
    assert (np.array(hinted_labels) == expected).mean() > (np.array(labels) == expected).mean()
