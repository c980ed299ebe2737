import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from communities.models import Community, Membership
from cop_platform.accounts.models import User

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Faker("name")
    organisation = factory.Faker("company")
    job_title = "Project Manager"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        obj.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Community {n}")
    slug = factory.Sequence(lambda n: f"community-{n}")
    purpose = "Practitioners helping each other deliver better projects."
    visibility = Community.Visibility.OPEN
    status = Community.Status.ACTIVE
    proposed_by = None


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    community = factory.SubFactory(CommunityFactory)
    role = Membership.Role.PERIPHERAL
    state = Membership.State.ACTIVE
    joined_at = factory.LazyFunction(timezone.now)


def member_of(community, role=Membership.Role.PERIPHERAL, state=Membership.State.ACTIVE, **user_fields):
    """A new user with the given membership of `community`."""
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, community=community, role=role, state=state)
    return user
