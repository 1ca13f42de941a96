"""The `psysafe/http` provider: deployed chatbots configured by a YAML file."""
