"""Deployment infrastructure: CloudFormation merged into ``chalice package`` (see ``infra/README.md``)."""
