package spec

import (
	"fmt"
	"path"
	"strings"
)

// Volume modes and image types.
const (
	VolumeRO = "RO"
	VolumeRW = "RW"

	ImageDocker = "docker"
	ImageAppc   = "appc"

	DefaultImageTag = "latest"
)

// Container is what the task runs inside (Aurora's container choice):
// exactly one of Docker and Mesos. A job without one runs under the Mesos
// containerizer on the host's filesystem.
type Container struct {
	Docker *DockerContainer `json:"docker,omitempty"`
	Mesos  *MesosContainer  `json:"mesos,omitempty"`
}

// DockerContainer runs the task in a Docker image (Aurora's Docker).
type DockerContainer struct {
	Image string `json:"image"`
	// Parameters are passed to docker run as --NAME=VALUE, in order; a
	// name may repeat.
	Parameters []DockerParameter `json:"parameters,omitempty"`
	Volumes    []Volume          `json:"volumes,omitempty"`
}

// DockerParameter is one docker run option.
type DockerParameter struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// MesosContainer runs the task under the Mesos containerizer, optionally
// in a filesystem image (Aurora's Mesos).
type MesosContainer struct {
	Image   *MesosImage `json:"image,omitempty"`
	Volumes []Volume    `json:"volumes,omitempty"`
}

// MesosImage is a Docker image (name and tag) or an Appc image (name and
// image id).
type MesosImage struct {
	Type    string `json:"type"`
	Name    string `json:"name"`
	Tag     string `json:"tag,omitempty"`
	ImageID string `json:"image_id,omitempty"`
}

// Volume mounts a host path into the container.
type Volume struct {
	ContainerPath string `json:"container_path"`
	HostPath      string `json:"host_path"`
	Mode          string `json:"mode"`
}

func (c *Container) applyDefaults() {
	var volumes []Volume
	if c.Docker != nil {
		volumes = c.Docker.Volumes
	}
	if c.Mesos != nil {
		volumes = c.Mesos.Volumes
		if img := c.Mesos.Image; img != nil && img.Type == ImageDocker && img.Tag == "" {
			img.Tag = DefaultImageTag
		}
	}
	for i := range volumes {
		if volumes[i].Mode == "" {
			volumes[i].Mode = VolumeRO
		}
	}
}

// Validate checks the container choice, image and volumes.
func (c *Container) Validate() FieldErrors {
	var errs FieldErrors
	switch {
	case c.Docker != nil && c.Mesos != nil:
		errs.Add("mesos", "a container is either docker or mesos, not both")
	case c.Docker != nil:
		d := c.Docker
		if strings.TrimSpace(d.Image) == "" {
			errs.Add("docker.image", "must not be empty")
		}
		for i, p := range d.Parameters {
			if strings.TrimSpace(p.Name) == "" {
				errs.Add(fmt.Sprintf("docker.parameter[%d].name", i), "must not be empty")
			}
		}
		errs = append(errs, validateVolumes("docker", d.Volumes)...)
	case c.Mesos != nil:
		if img := c.Mesos.Image; img != nil {
			errs.Prefixed("mesos.image", img.Validate())
		}
		errs = append(errs, validateVolumes("mesos", c.Mesos.Volumes)...)
	default:
		errs.Add("", "a container block needs a docker or a mesos block")
	}
	return errs
}

// Validate checks an image's type and the names it needs.
func (m *MesosImage) Validate() FieldErrors {
	var errs FieldErrors
	if strings.TrimSpace(m.Name) == "" {
		errs.Add("name", "must not be empty")
	}
	switch m.Type {
	case ImageDocker:
		if m.ImageID != "" {
			errs.Add("image_id", "a docker image has a tag, not an image_id")
		}
	case ImageAppc:
		if m.ImageID == "" {
			errs.Add("image_id", "an appc image needs an image_id")
		}
		if m.Tag != "" {
			errs.Add("tag", "an appc image has an image_id, not a tag")
		}
	default:
		errs.Add("", fmt.Sprintf("%q is not an image type: use docker or appc", m.Type))
	}
	return errs
}

func validateVolumes(prefix string, volumes []Volume) FieldErrors {
	var errs FieldErrors
	for i, v := range volumes {
		p := fmt.Sprintf("%s.volume[%d]", prefix, i)
		for _, f := range []struct{ field, value string }{{"container_path", v.ContainerPath}, {"host_path", v.HostPath}} {
			if !path.IsAbs(f.value) {
				errs.Add(p+"."+f.field, fmt.Sprintf("%q must be an absolute path", f.value))
			}
		}
		if v.Mode != VolumeRO && v.Mode != VolumeRW {
			errs.Add(p+".mode", fmt.Sprintf("%q is not a volume mode: use RO or RW", v.Mode))
		}
	}
	return errs
}
