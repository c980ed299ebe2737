"""Demo discussions for `manage.py seed_demo`: questions, answers, polls, flags. Safe to run twice.

Everything is written through forums.services (so the activity log, watches and notifications
are real), then back-dated so the demo site looks lived in.
"""

import datetime

from django.db.models import Q
from django.utils import timezone

from communities.models import Activity

from . import services
from .models import Post, Thread

# (community slug, author, kind, title, body, tags, replies [(author, body)], accepted reply index,
#  days ago, poll)
THREADS = [
    (
        "benefits-realisation",
        "grace",
        "question",
        "How do you baseline benefits before a project has even started?",
        "We are about to start a programme to move our housing repairs service online. The business "
        "case promises a 20% reduction in call volumes, but nobody measured the current volumes "
        "properly.\n\nHow have others set a **baseline** when the data is patchy? Is a sample over "
        "a few weeks good enough?",
        ["baselines", "business cases"],
        [
            (
                "chloe",
                "A four-week sample is fine if you say so openly in the benefits profile. We took "
                "two weeks in a quiet month and two in a busy one, and agreed the method with finance "
                "*before* we started, which saved arguments later.",
            ),
            (
                "maya",
                "Agree with @Chloe Evans. Also record *how* you counted (which call codes, which "
                "queues). When the telephony system changed a year later we could still compare like with like.",
            ),
            (
                "priya",
                "There's a baseline template in our documents section from the Leeds programme; "
                "it has a worksheet for exactly this. Happy to walk you through it.",
            ),
        ],
        1,
        12,
        None,
    ),
    (
        "benefits-realisation",
        "priya",
        "announcement",
        "Welcome! Start here: how this community works",
        "Hello everyone and welcome. This is a place to ask, share and learn about benefits "
        "realisation.\n\n- **Ask anything**: there is no such thing as a silly question.\n- Mark the "
        "reply that helped as the *accepted answer*, so the next person finds it.\n- Our theme this "
        "quarter is **measuring non-cashable benefits**.",
        ["welcome"],
        [],
        None,
        60,
        None,
    ),
    (
        "benefits-realisation",
        "david",
        "question",
        "Who owns benefits after the project closes?",
        "Our project closes in March but most benefits land over the following two years. Who should "
        "own tracking them, and how do you stop it being forgotten?",
        ["ownership", "handover"],
        [
            (
                "kate",
                "We name a senior benefits owner in the business (not the PMO) at gateway 3, and "
                "their objectives include the benefit. It's the only thing that has worked for us.",
            ),
        ],
        None,
        4,
        None,
    ),
    (
        "benefits-realisation",
        "rosa",
        "discussion",
        "Which method do you use to map benefits?",
        "We are reviewing our guidance. I'd love to know what people actually use day to day.",
        ["methods"],
        [
            ("olivia", "Benefits dependency networks, every time."),
            ("ben", "A simple logic model; the board understands it."),
        ],
        None,
        9,
        {
            "question": "Which benefits mapping method do you use most?",
            "options": ["Benefits dependency network", "Logic model", "Theory of change", "Something else"],
            "votes": {"olivia": [0], "ben": [1], "chloe": [0], "maya": [2], "grace": [1], "priya": [0]},
        },
    ),
    (
        "benefits-realisation",
        "sam",
        "question",
        "Is it worth measuring staff satisfaction as a benefit?",
        "It feels soft. Has anyone had a board accept it?",
        ["non-cashable"],
        [],
        None,
        1,
        None,
    ),
    (
        "project-assurance",
        "ben",
        "question",
        "Preparing for a gateway 0 review: what do reviewers look for first?",
        "My programme has its first gateway 0 in six weeks. What do reviewers read first, and what "
        "trips people up?",
        ["gateway reviews"],
        [
            (
                "noah",
                "The strategic case and the governance diagram. If the SRO cannot explain who "
                "decides what, that becomes the first recommendation.",
            ),
            (
                "tom",
                "Send the pack a week early and include your risk register as it really is, not a "
                "polished version. Reviewers notice.",
            ),
        ],
        0,
        20,
        None,
    ),
    (
        "agile-in-government",
        "kate",
        "question",
        "How do you reconcile sprint plans with a PRINCE2 stage plan?",
        "Our board wants stage plans with dates; the team works in two-week sprints. How do others "
        "present this without doing the plan twice?",
        ["prince2", "planning"],
        [
            (
                "isla",
                "Plan stages as a fixed number of sprints with a goal each, and report progress "
                "against the goal, not against tasks. Boards accept it once they see a burn-up.",
            ),
            ("jack", "We show a roadmap by quarter plus the sprint goals for the current stage only."),
        ],
        0,
        15,
        None,
    ),
    (
        "agile-in-government",
        "farid",
        "discussion",
        "Power BI dashboards for delivery teams: useful or noise?",
        "We built a dashboard for every team and nobody looks at them. What has worked for you?",
        ["reporting", "power bi"],
        [
            (
                "jack",
                "Honestly, most of these dashboards are a waste of everyone's time. Whoever built them "
                "should have asked the teams first.",
            ),
            ("isla", "We retired ours and kept one chart per team: the burn-up. People look at that one."),
        ],
        None,
        3,
        None,
    ),
    (
        "risk-management",
        "peter",
        "question",
        "Monte Carlo schedule risk analysis on a small project: overkill?",
        "Our project is about £2m. Is quantitative schedule risk analysis worth it at this size?",
        ["monte carlo", "scheduling"],
        [],
        None,
        2,
        None,
    ),
    (
        "pmo-leads",
        "olivia",
        "question",
        "How many projects can one PMO officer realistically support?",
        "We are asked to support 40 projects with three officers. What ratios do others work to?",
        ["resourcing"],
        [("farid", "We aim for 8 to 10 per officer, fewer for anything at gateway stage.")],
        None,
        6,
        None,
    ),
]


def seed(world):
    people, communities = world["people"], world["communities"]
    now = timezone.now()
    for slug, author, kind, title, body, tags, replies, accepted, days_ago, poll in THREADS:
        community = communities[slug]
        if Thread.objects.filter(community=community, title=title).exists():
            continue
        start = now - datetime.timedelta(days=days_ago, hours=3)
        poll_spec = None
        if poll:
            poll_spec = {"question": poll["question"], "options": poll["options"], "multiple": False}
        thread = services.start_thread(
            people[author], community, title=title, body=body, kind=kind, tags=tags, poll=poll_spec
        )
        posts = []
        for reply_author, reply_body in replies:
            try:
                posts.append(services.post_reply(people[reply_author], thread, reply_body))
            except services.ForumError:
                continue
        if accepted is not None and accepted < len(posts):
            services.accept_answer(people[author], thread, posts[accepted])
        for post in posts[:2]:
            if post.author_id != people[author].pk:
                services.toggle_helpful(people[author], post)
        if poll:
            for voter, choices in poll["votes"].items():
                options = list(thread.poll.options.all())
                services.vote(people[voter], thread.poll, [options[i].pk for i in choices])
        _backdate(thread, start)
    _flag_and_pin(people, communities)
    seed_surveys(people, communities)
    seed_blog(people, communities)
    return world


BLOG_POSTS = [
    (
        "benefits-realisation",
        "maya",
        "Two years after go-live: what the benefits really were",
        "We went back to a programme two years on. Half the benefits were real, a quarter moved, a quarter never came.",
        "We promised **£2.4m** a year. Two years later we went back with the finance team.\n\n"
        "## What we found\n\n- Half the benefits were real and measured.\n- A quarter had moved to another budget.\n"
        "- A quarter never came: nobody in the business owned them.\n\n## What I would do again\n\n"
        "Name an owner in the business *before* the business case is signed.",
        ["evaluation", "lessons learned"],
        True,
    ),
    (
        "benefits-realisation",
        "chloe",
        "A benefit profile finance will sign",
        "The one-page profile we use in Cardiff, and the three questions finance always asks.",
        "Finance asks three things: **what is the baseline**, who measures it, and when.\n\n"
        "Our template in the library answers all three on one page.",
        ["business cases", "template"],
        False,
    ),
    (
        "benefits-realisation",
        "grace",
        "My first benefits map",
        "A newcomer's account of drawing a benefits map for the first time, with help from this community.",
        "I had never drawn a benefits map. The toolkit and two replies here got me there in an afternoon.",
        ["benefits realisation", "newcomers"],
        False,
    ),
    (
        "project-assurance",
        "noah",
        "What a good gateway interview feels like",
        "Members only: notes on interviews that help the team rather than audit it.",
        "The best interviews feel like a conversation about risk, not an exam.",
        ["gateway reviews"],
        False,
    ),
]


def seed_blog(people, communities):
    """Four published blog posts (one featured, one with comments, one members-only). Skipped
    once the first exists."""
    from .models import BlogPost
    from .services import blog

    if BlogPost.objects.filter(title=BLOG_POSTS[0][2]).exists():
        return
    for index, (slug, author, title, summary, body, tags, featured) in enumerate(BLOG_POSTS):
        community = communities[slug]
        post = blog.save_blog_post(
            people[author], community, title=title, summary=summary, body=body, tags=tags
        )
        blog.publish_blog_post(people[author], post)
        if featured:
            facilitator = people["priya"]
            blog.set_featured(facilitator, post, True)
            blog.comment_on_blog_post(
                people["chloe"], post, "This matches what we saw in Cardiff. Thank you, Maya."
            )
            blog.comment_on_blog_post(people["david"], post, "Could you share the evaluation plan?")
        _date_blog_post(post, days_ago=2 + index * 5)


def _date_blog_post(post, *, days_ago):
    """Publish a demo blog post `days_ago` days back, its comments a few hours apart after it, so
    the lists say "3 days ago" rather than "just now" for everything the seed wrote."""
    from .models import BlogPost

    when = timezone.now() - datetime.timedelta(days=days_ago)
    BlogPost.objects.filter(pk=post.pk).update(published_at=when, created_at=when, updated_at=when)
    Activity.objects.filter(target_type="forums.blogpost", target_id=post.pk).update(created_at=when)
    numbers = list(
        Post.objects.filter(thread_id=post.thread_id).order_by("number").values_list("pk", flat=True)
    )
    for n, pk in enumerate(numbers):
        at = when + datetime.timedelta(hours=5 * n)
        Post.objects.filter(pk=pk).update(created_at=at)
        Activity.objects.filter(target_type="forums.post", target_id=pk).update(created_at=at)
    last = when + datetime.timedelta(hours=5 * (len(numbers) - 1))
    Thread.objects.filter(pk=post.thread_id).update(created_at=when, last_post_at=last)


def seed_surveys(people, communities):
    """A closed anonymous survey with results (and a theme started from it), an open named one,
    and a quick poll on the Benefits Realisation home. Skipped once the closed survey exists."""
    from .models import Survey, SurveyQuestion
    from .services import surveys

    benefits = communities["benefits-realisation"]
    title = "What should the community focus on next year?"
    if Survey.objects.filter(community=benefits, title=title).exists():
        return
    priya = people["priya"]
    Kind = SurveyQuestion.Kind
    now = timezone.now()
    survey = surveys.create_survey(
        priya, benefits, title=title, anonymous=True, opens_at=now - datetime.timedelta(days=20),
        closes_at=now + datetime.timedelta(days=1),
        introduction="Five minutes of your time sets our priorities for the year. Answers are anonymous.",
    )  # fmt: skip
    topics = [
        "Benefits realisation after go-live",
        "Writing business cases",
        "Evaluation methods",
        "Wellbeing measures",
    ]
    surveys.add_question(
        priya, survey, kind=Kind.RANKING, text="Rank these topics for next year", options=topics
    )
    surveys.add_question(priya, survey, kind=Kind.SINGLE, text="Which format helps you most?",
                         options=["Hot seats", "Face-to-face meet-ups", "Webinars", "Discussions"])  # fmt: skip
    surveys.add_question(priya, survey, kind=Kind.MULTIPLE, text="Which resources have you used?",
                         options=["The toolkit", "Templates", "Meeting notes", "Hot seat transcripts"], required=False)  # fmt: skip
    surveys.add_question(priya, survey, kind=Kind.SCALE, text="How useful is the community to your work?",
                         options=["Not at all", "Essential"])  # fmt: skip
    surveys.add_question(
        priya, survey, kind=Kind.TEXT, text="What one thing would you change?", required=False
    )
    surveys.publish_survey(priya, survey)
    questions = list(survey.questions.all())
    wishes = ["More regional meet-ups, please.", "", "A template library for benefit profiles.", "",
              "Shorter newsletters.", "Invite more finance people to hot seats.", "", "Nothing: keep going!"]  # fmt: skip
    answerers = ["chloe", "maya", "grace", "david", "kate", "olivia", "rosa", "ben"]
    for i, local in enumerate(answerers):
        ranking = [0, 1, 2, 3] if i % 3 else [2, 0, 3, 1]
        surveys.submit_response(people[local], survey, {
            questions[0].pk: ranking, questions[1].pk: i % 3, questions[2].pk: [0, 1] if i % 2 else [0, 3],
            questions[3].pk: 3 + i % 3, questions[4].pk: wishes[i],
        })  # fmt: skip
    Survey.objects.filter(pk=survey.pk).update(
        closes_at=now - datetime.timedelta(days=3), invited_at=now - datetime.timedelta(days=19)
    )
    survey.refresh_from_db()
    surveys.start_theme_from_result(priya, survey, questions[0], 0)

    upcoming = surveys.create_survey(
        priya, benefits, title="Feedback on the practice clinics", anonymous=False,
        opens_at=now - datetime.timedelta(hours=2), closes_at=now + datetime.timedelta(days=12),
        introduction="Named, so we can follow up with you about your suggestions.",
    )  # fmt: skip
    surveys.add_question(priya, upcoming, kind=Kind.SCALE, text="How useful was the last clinic?")
    surveys.add_question(priya, upcoming, kind=Kind.TEXT, text="What should we change?", required=False)
    surveys.publish_survey(priya, upcoming)
    surveys.create_quick_poll(priya, benefits, question="Where should the spring meet-up be?",
                              options=["Leeds", "Birmingham", "Bristol", "Online"], days=10)  # fmt: skip


def _backdate(thread, start):
    """Spread a freshly seeded thread's posts over the days after `start`."""
    posts = list(Post.objects.filter(thread=thread).order_by("number"))
    when = start
    for post in posts:
        Post.objects.filter(pk=post.pk).update(created_at=when)
        Activity.objects.filter(
            Q(target_type="forums.post", target_id=post.pk)
            | Q(target_type="forums.thread", target_id=thread.pk)
        ).filter(created_at__gt=when).update(created_at=when)
        when = min(when + datetime.timedelta(hours=7), timezone.now())
    last = posts[-1]
    Thread.objects.filter(pk=thread.pk).update(
        created_at=start, last_post_at=when - datetime.timedelta(hours=7) if len(posts) > 1 else start,
        last_post_author=last.author,
    )  # fmt: skip


def _flag_and_pin(people, communities):
    welcome = Thread.objects.filter(title="Welcome! Start here: how this community works").first()
    if welcome and not welcome.is_pinned:
        services.set_pinned(people["priya"], welcome, True)
        services.set_locked(people["priya"], welcome, True)
    sat = Thread.objects.filter(title="Is it worth measuring staff satisfaction as a benefit?").first()
    if sat and not sat.posts.filter(number=1, flag_count__gt=0).exists():
        services.flag_post(
            people["kate"], sat.posts.get(number=1), "off_topic", "Maybe belongs in the HR community?"
        )
    rude = Post.objects.filter(thread__title__startswith="Power BI dashboards", number=2).first()
    if rude and not rude.flag_count:
        services.flag_post(people["farid"], rude, "rude", "A bit harsh on the people who built them.")
