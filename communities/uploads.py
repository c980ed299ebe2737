"""Upload handling for the repository: a size cap that refuses politely.

Django streams a file upload to a temporary file (FILE_UPLOAD_MAX_MEMORY_SIZE only decides
memory or disk; DATA_UPLOAD_MAX_MEMORY_SIZE does not count files). Left alone, a 2 GB upload
would be written to disk in full before any form could refuse it. This handler stops writing
once the file passes settings.MAX_UPLOAD_BYTES but keeps reading the request, so the other
fields still arrive, and reports the true size so the form can say "this file is 31 MB; the
limit is 20 MB" with everything else the person typed kept. Production proxies should also cap
the request body a little above the limit (see docs/uploads.md).
"""

from django.conf import settings
from django.core.files.uploadhandler import TemporaryFileUploadHandler


class CappedUploadHandler(TemporaryFileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.seen = 0
        self.written = 0

    def receive_data_chunk(self, raw_data, start):
        self.seen += len(raw_data)
        room = settings.MAX_UPLOAD_BYTES + 1 - self.written
        if room > 0:
            chunk = raw_data[:room]
            self.file.write(chunk)
            self.written += len(chunk)
        return None

    def file_complete(self, file_size):
        self.file.seek(0)
        self.file.size = self.seen  # the real size, even though only the start was kept
        return self.file


def use_capped_uploads(request):
    """Call before anything reads request.POST or request.FILES (the view must be csrf_exempt
    and check CSRF itself afterwards, see communities/repertoire/views/library.py)."""
    request.upload_handlers = [CappedUploadHandler(request)]
