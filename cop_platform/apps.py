from django.apps import AppConfig


class CopPlatformConfig(AppConfig):
    name = "cop_platform"
    verbose_name = "Platform"

    def ready(self):
        from . import memberstate, pagecache

        pagecache.connect()
        memberstate.connect()
