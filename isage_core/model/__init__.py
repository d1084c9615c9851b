"""What training and prediction share: the network and its offline encoder weights, checkpoints
(safetensors with their metadata), band selection and normalisation."""
