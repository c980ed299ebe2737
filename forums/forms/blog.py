from django import forms


class BlogPostForm(forms.Form):
    title = forms.CharField(max_length=200)
    summary = forms.CharField(
        max_length=300, required=False,
        help_text="One or two sentences for lists, digests and link previews.",
    )  # fmt: skip
    body = forms.CharField(
        label="Post", widget=forms.Textarea(attrs={"rows": 16}), max_length=50000,
        help_text="Markdown is supported: **bold**, lists, links, headings.",
    )  # fmt: skip
    tags = forms.CharField(max_length=300, required=False, help_text="Separate tags with commas.")


class CommentForm(forms.Form):
    body = forms.CharField(label="Your comment", widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)
