"""Survey results: counts per choice, scale averages, rankings, free text, chart geometry, CSV.

Three queries whatever the number of answers: the questions, the answers (values only), and
for the CSV the responses. Computed in Python from the values, never per question.
"""

import csv
import io
from dataclasses import dataclass, field

from .models import SurveyAnswer, SurveyQuestion, SurveyResponse

Kind = SurveyQuestion.Kind
BAR_WIDTH = 300  # chart units for 100 %


@dataclass
class Bar:
    label: str
    value: float
    display: str
    percent: int
    index: int | None = None

    @property
    def width(self):
        return round(BAR_WIDTH * self.percent / 100, 1)


@dataclass
class Result:
    question: SurveyQuestion
    answered: int = 0
    bars: list = field(default_factory=list)
    texts: list = field(default_factory=list)
    summary: str = ""
    value_heading: str = "Answers"
    top: Bar | None = None

    @property
    def chart_height(self):
        return len(self.bars) * 34 + 8


def compute(survey, questions=None):
    questions = list(questions if questions is not None else survey.questions.all())
    by_question = {q.pk: [] for q in questions}
    for question_id, choices, text in SurveyAnswer.objects.filter(response__survey=survey).values_list(
        "question_id", "choices", "text"
    ):
        if question_id in by_question:
            by_question[question_id].append((choices, text))
    return [_result(q, by_question[q.pk]) for q in questions]


def _percent(part, whole):
    return round(100 * part / whole) if whole else 0


def _result(question, answers):
    result = Result(question=question, answered=len(answers))
    n = len(question.options)
    if question.kind == Kind.TEXT:
        result.texts = [text for _, text in answers if text]
        return result
    if question.kind == Kind.SCALE:
        counts = [0] * 5
        for choices, _ in answers:
            if choices and 1 <= choices[0] <= 5:
                counts[choices[0] - 1] += 1
        total = sum(counts)
        low, high = (question.options + ["", ""])[:2]
        result.bars = [
            Bar(f"{i + 1}{' · ' + low if i == 0 and low else ''}{' · ' + high if i == 4 and high else ''}",
                c, f"{c} ({_percent(c, total)} %)", _percent(c, total))
            for i, c in enumerate(counts)
        ]  # fmt: skip
        if total:
            mean = sum((i + 1) * c for i, c in enumerate(counts)) / total
            result.summary = f"Average {mean:.1f} out of 5, from {total} answer{'s' if total != 1 else ''}."
        return result
    if question.kind == Kind.RANKING:
        places = [[] for _ in range(n)]
        for choices, _ in answers:
            for place, index in enumerate(choices):
                if 0 <= index < n:
                    places[index].append(place + 1)
        # Points: first place n points, last place 1 (a Borda count); bars are relative to the best.
        points = [sum(n + 1 - p for p in ps) for ps in places]
        best = max(points) if points and max(points) else 1
        bars = [
            Bar(option, points[i], f"average place {sum(places[i]) / len(places[i]):.1f}" if places[i] else "not ranked",
                _percent(points[i], best), index=i)
            for i, option in enumerate(question.options)
        ]  # fmt: skip
        result.bars = sorted(bars, key=lambda b: -b.value)
        result.value_heading = "Average place (1 is first)"
        result.summary = "Ordered by the members' rankings: first places count most."
        result.top = result.bars[0] if answers else None
        return result
    counts = [0] * n
    for choices, _ in answers:
        for index in choices:
            if 0 <= index < n:
                counts[index] += 1
    base = len(answers)
    result.bars = [
        Bar(
            option,
            counts[i],
            f"{counts[i]} ({_percent(counts[i], base)} %)",
            _percent(counts[i], base),
            index=i,
        )
        for i, option in enumerate(question.options)
    ]
    if question.kind == Kind.MULTIPLE:
        result.summary = "Members could choose several answers: percentages are of those who answered."
    if answers:
        result.top = max(result.bars, key=lambda b: b.value)
    return result


def csv_text(survey):
    """One row per response; anonymous surveys carry no name and no time, rows in random order."""
    questions = list(survey.questions.all())
    responses = SurveyResponse.objects.filter(survey=survey).prefetch_related("answers")
    if survey.anonymous:
        responses = responses.order_by("id")  # random keys: the order says nothing
    else:
        responses = responses.select_related("respondent").order_by("submitted_at")
    out = io.StringIO()
    writer = csv.writer(out)
    head = [] if survey.anonymous else ["member", "answered at"]
    writer.writerow(head + [_safe(q.text) for q in questions])
    for response in responses:
        answers = {a.question_id: a for a in response.answers.all()}
        row = []
        if not survey.anonymous:
            name = response.respondent.name if response.respondent else "(former member)"
            row = [_safe(name), response.submitted_at.isoformat() if response.submitted_at else ""]
        for q in questions:
            answer = answers.get(q.pk)
            row.append(_safe(_cell(q, answer)) if answer else "")
        writer.writerow(row)
    return out.getvalue()


def _cell(question, answer):
    if question.kind == Kind.TEXT:
        return answer.text
    if question.kind == Kind.SCALE:
        return str(answer.choices[0]) if answer.choices else ""
    labels = [question.options[i] for i in answer.choices if 0 <= i < len(question.options)]
    return " > ".join(labels) if question.kind == Kind.RANKING else "; ".join(labels)


def _safe(value):
    """Spreadsheets run cells starting with = + - @ as formulas: quote them."""
    value = str(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
